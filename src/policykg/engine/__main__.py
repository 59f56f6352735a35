"""``python -m policykg.engine PATH MODE [MAX]``: run a query worker (see :mod:`.worker`).

The worker is started through this module, not ``-m policykg.engine.worker``: importing
the ``policykg`` package already imports the worker module, and running an imported module
as ``__main__`` would load it twice.
"""

from policykg.engine.worker import main

if __name__ == "__main__":
    main()
