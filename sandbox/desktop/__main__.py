from sandbox.desktop.app import main

raise SystemExit(main())
