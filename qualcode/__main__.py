from qualcode.cli import main

raise SystemExit(main())
