"""Length limits of text people type, shared by the operations that enforce them and the API that documents them."""

MAX_REASON = 500  # a verifier's reason to return or unconfirm an installment
MAX_POSITION = 200  # a verifier's position (installment_reports.confirmer_position)
MAX_PHONE = 50  # a verifier's phone number (installment_reports.confirmer_phone)
