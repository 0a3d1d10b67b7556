import time

from django.core.management.base import BaseCommand, CommandError

from projects import demo


class Command(BaseCommand):
    help = (
        "Replace the demo projects with N realistic synthetic ones (flagged as demo data). "
        "The same --seed gives the same data; real projects are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=2000, help="how many (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when demo projects already exist (used by `make run`)",
        )

    def handle(self, *args, projects: int, seed: int, if_empty: bool, **options):
        if projects < 0:
            raise CommandError("--projects must be 0 or more")
        if if_empty and demo.Project.objects.filter(is_demo=True).exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        started = time.perf_counter()
        result = demo.generate(projects=projects, seed=seed)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.projects} projects, {result.decisions} decisions and "
                f"{result.organisations} organisations generated in {seconds:.1f} s "
                f"(replaced {result.removed_projects} earlier demo projects)."
            )
        )
