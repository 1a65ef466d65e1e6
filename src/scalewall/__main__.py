"""``python -m scalewall``: the same command as the ``scalewall`` console script."""

from scalewall.cli import main

main()
