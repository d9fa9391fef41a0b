"""``python -m wfm.data.synthetic OUT_DIR``: write the sample centre."""

from wfm.data.synthetic.generate import main

raise SystemExit(main())
