"""Two-factor login for the accounts that can reach the Wagtail admin.

After the password, the admin asks for a code from an authenticator app (TOTP,
django-otp's ``otp_totp``) or one of ten recovery codes (``otp_static``, each
used once). Which accounts must use it is said in ``editorial/roles.py``
(``two_factor_required``); the others may turn it on in their account settings.

- ``devices.py``: who must, enrolment, checking a code, recovery codes, reset
- ``middleware.py``: sends an account that still owes its code to the right step
- ``views.py``: the screens (enrolment, code, recovery codes, account settings, superuser reset)
- ``checks.py``: ``check --deploy`` warns while the requirement is off
"""
