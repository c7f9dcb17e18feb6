"""The ``neuroflow`` command: ``neuroflow demo``, ``neuroflow lecture <topic>``,
``neuroflow playground`` and ``neuroflow launch -n N train.py`` (data-parallel training on N
MPI ranks)."""

import argparse
import importlib
import sys

TOPICS = {
    "perceptron": "a perceptron learns AND and OR but not XOR",
    "xor": "the lecture's XOR weights and table, then a 2-2-1 network trained by backprop",
    "backprop": "one training step traced layer by layer, by hand and by GradientTape",
    "vanishing": "per-layer gradient norms with sigmoid, tanh and ReLU",
    "activations": "sigmoid, tanh, ReLU, leaky ReLU, ELU, GELU, softmax and derivatives",
    "optimizers": "GD, SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam racing",
    "graph": "the dataflow graph of z = w*x + b and of a training step",
}


def _parser():
    parser = argparse.ArgumentParser(
        prog="neuroflow", description="neuroflow: the lecture 'Understanding Neural Networks', "
        "runnable. Every command prints what it computes and writes PNG figures.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train the lecture's Sequential MLP (784-64-32-10)")
    demo.add_argument("--epochs", type=int, default=5)
    demo.add_argument("--batch-size", type=int, default=32)
    demo.add_argument("--optimizer", default="adam",
                      help="optimizer name (adam, sgd, rmsprop, adagrad, ...)")
    demo.add_argument("--out", default="neuroflow-demo", help="folder for the figures")
    demo.add_argument("--limit", type=int, default=None,
                      help="use only this many training samples (quick runs)")
    demo.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2])
    playground = sub.add_parser("playground", help="the lecture's networks live in the "
                                "browser, trained by neuroflow (needs the 'web' extra)")
    playground.add_argument("--port", type=int, default=8000)
    playground.add_argument("--host", default="127.0.0.1")
    playground.add_argument("--no-browser", action="store_true",
                            help="do not open a browser tab")
    lecture = sub.add_parser("lecture", help="one idea of the lecture, computed and drawn")
    lecture.add_argument("topic", choices=sorted(TOPICS),
                         help="; ".join(f"{k}: {v}" for k, v in TOPICS.items()))
    lecture.add_argument("--out", default="figures", help="folder for the figures")
    launch = sub.add_parser("launch", help="run a training script on N MPI ranks (mpiexec)")
    launch.add_argument("-n", "--np", dest="n", type=int, required=True, help="number of ranks")
    launch.add_argument("--hostfile", default=None, help="MPI hostfile (several machines)")
    launch.add_argument("script", help="the Python script to run on every rank")
    launch.add_argument("args", nargs=argparse.REMAINDER, help="the script's arguments")
    return parser


def main(argv=None):
    """Entry point of the ``neuroflow`` console script."""
    args = _parser().parse_args(argv)
    if args.command == "launch":
        launch = importlib.import_module("neuroflow.distribute.launch")
        return launch.run(args.n, [args.script, *args.args], hostfile=args.hostfile)
    if args.command == "demo":
        demo = importlib.import_module("neuroflow.teach.demo")
        demo.run(epochs=args.epochs, batch_size=args.batch_size, optimizer=args.optimizer,
                 out_dir=args.out, limit=args.limit, verbose=args.verbose)
        return 0
    if args.command == "playground":
        return _playground(args)
    module = importlib.import_module(f"neuroflow.teach.{args.topic}")
    module.run(out_dir=args.out)
    return 0


def _playground(args):
    try:
        server = importlib.import_module("neuroflow.teach.playground.server")
    except ModuleNotFoundError as error:
        if error.name != "aiohttp":
            raise
        print("neuroflow playground needs aiohttp: pip install 'neuroflow[web]'",
              file=sys.stderr)
        return 1
    server.serve(port=args.port, open_browser=not args.no_browser, host=args.host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
