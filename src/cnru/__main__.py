from cnru.cli import main

main()
