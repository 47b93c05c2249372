"""The domain package stays pure: no Flask or SQLAlchemy imports."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"
FORBIDDEN = ("flask", "flask_login", "flask_wtf", "flask_babel", "sqlalchemy", "werkzeug", "app.")


def test_domain_imports_neither_flask_nor_sqlalchemy():
    offenders = []
    for path in DOMAIN.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                if name.split(".")[0] in {f.rstrip(".") for f in FORBIDDEN} or name.startswith("app."):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
    assert len(list(DOMAIN.glob("*.py"))) >= 6
