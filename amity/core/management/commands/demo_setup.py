from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from amity.core.models import Membership
from amity.core.permissions import ADMINISTRATOR, ANALYST, EDITOR
from amity.partners.models import Organisation


class Command(BaseCommand):
    help = "Create the demo users (demo/demo: Administrator; editor/editor: VUFO Editor; analyst/analyst)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None, help="password for all demo users (default: the user name)")

    def handle(self, *args, **options):
        vufo = Organisation.objects.filter(key="vufo").first()
        User = get_user_model()
        for username, role in (("demo", ADMINISTRATOR), ("editor", EDITOR), ("analyst", ANALYST)):
            user, created = User.objects.get_or_create(username=username)
            user.set_password(options["password"] or username)
            user.is_staff = role == ADMINISTRATOR
            user.is_superuser = role == ADMINISTRATOR
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            if vufo:
                Membership.objects.update_or_create(user=user, defaults={"organisation": vufo})
        self.stdout.write("Demo users: demo/demo (Administrator), editor/editor (VUFO Editor), analyst/analyst.")
