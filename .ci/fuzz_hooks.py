"""schemathesis hooks for .ci/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

The fuzzer signs in as real accounts. Every other account is fair game, but an admin run that
reset the password of, disabled or re-roled the very accounts the fuzzer is signed in as would
end its own sessions (the server ends them, as it should) and test nothing more after that.
"""

import os

import schemathesis

# The ids of the accounts the fuzzer is signed in as, e.g. "1,5".
PROTECTED = {
    part.strip() for part in os.environ.get("LINJU_FUZZ_PROTECTED_USERS", "").split(",") if part.strip()
}


@schemathesis.hook
def filter_case(context, case):
    path = case.operation.path
    if case.method.upper() != "GET" and path.startswith("/api/v1/users/{id}"):
        user = (case.path_parameters or {}).get("id")
        if str(user) in PROTECTED:
            return False
    return True
