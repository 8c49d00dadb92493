"""Entry-point module: cheap to import; the model is registered by a string target."""

from locus.plugins import hookimpl


@hookimpl
def locus_register_models(register):
    register("echo", "locus_echo.model:EchoModel", description="repeats the last user message")


@hookimpl
def locus_register_commands(register):
    def shout(args):
        print(" ".join(args.words).upper())
        return 0

    register(
        "shout",
        shout,
        help="print the words in capitals",
        configure=lambda parser: parser.add_argument("words", nargs="+"),
    )
