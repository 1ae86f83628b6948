from kliento.cli import main

main()
