"""The benchmarks count the outbox's relay by name, without Django: the names are the portal's."""

from bench.common import RELAY_LIST, RELAY_TASK
from requests_app import outbox


def test_the_benchmarks_name_the_relays_list_and_task_as_the_outbox_does():
    assert RELAY_LIST == outbox.READY_KEY
    assert RELAY_TASK == outbox.relay.name
