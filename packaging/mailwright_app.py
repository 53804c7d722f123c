"""The standalone app's entry point (the script packaging/mailwright.spec freezes): the same
`main` as the `mailwright` command, so `mailwright-app build ...` and the editor behave alike."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Frozen, the background worker starts its children with multiprocessing's spawn
    # (app/worker.py): a child is this same binary, and freeze_support() makes it the child
    # (it never returns there) instead of a second Mailwright. It must run before anything else.
    multiprocessing.freeze_support()

    from mailwright.app.cli.main import main

    sys.exit(main())
