from twitchpolicy.cli import main

main()
