"""Verifiable certificates: the code and QR code on printed papers, and /check where anyone verifies them."""

from flask import Blueprint

bp = Blueprint("check", __name__)

from . import routes  # noqa: E402,F401
