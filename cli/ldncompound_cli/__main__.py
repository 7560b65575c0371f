from ldncompound_cli import main

main()
