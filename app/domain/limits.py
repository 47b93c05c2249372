"""Length limits of text people type, shared by the operations that enforce them and the API that documents them."""

MAX_REASON = 500  # a verifier's reason to return or unconfirm an installment
MAX_POSITION = 200  # a verifier's position (installment_reports.confirmer_position)
MAX_PHONE = 50  # a verifier's phone number (installment_reports.confirmer_phone)
MIN_PASSWORD = 10  # a password people choose (ASVS 5.0 6.2.1: at least 8; 10 here)
MAX_PASSWORD = 128  # every form and operation that takes a password, login included (ASVS 6.2.9: 64 at least)
MAX_API_BODY = 64 * 1024  # bytes of an API request body: ten items with 500-character Thai explanations fit
