import random

import pytest

from workflows_library.config import load_settings, server_configs
from workflows_library.errors import ConfigError
from workflows_library.retry import BreakerState, CircuitBreaker, RetryPolicy


def test_servers_and_tokens_from_the_environment(tmp_path):
    env = {
        "COMFYUI_URLS": "http://a:8188/, https://b.example",
        "COMFYUI_TOKENS": "t1,t2",
        "KIJKOCUT_DATA_DIR": str(tmp_path),
    }
    settings = load_settings(env)
    assert [s.url for s in settings.servers] == ["http://a:8188", "https://b.example"]
    assert settings.servers[1].headers() == {"Authorization": "Bearer t2"}
    assert "t2" not in repr(settings.servers[1])  # secrets stay out of logs
    assert settings.jobs_db.parent == tmp_path and settings.index_dir.parent == tmp_path
    assert [s.url for s in server_configs({"COMFYUI_URL": "http://c:1", "COMFYUI_TOKEN": "x"})] == [
        "http://c:1"
    ]
    assert server_configs({})[0].url == "http://127.0.0.1:8188"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"COMFYUI_URLS": "ftp://x"}, "http://host:port"),
        ({"COMFYUI_URLS": "http://a,http://b", "COMFYUI_TOKENS": "one"}, "1 entries but there are 2"),
        ({"COMFYUI_URLS": "http://a,http://a/"}, "duplicate"),
    ],
)
def test_bad_configuration_is_explained(env, message):
    with pytest.raises(ConfigError, match=message):
        server_configs(env)


def test_backoff_grows_is_capped_and_jittered():
    policy = RetryPolicy(base_delay=1, max_delay=5, jitter=0.5)
    rng = random.Random(1)
    delays = [policy.delay(n, rng) for n in range(6)]
    assert 0.5 <= delays[0] <= 1 and 1 <= delays[1] <= 2 and all(d <= 5 for d in delays)
    assert len({round(policy.delay(3, rng), 6) for _ in range(5)}) > 1


def test_breaker_opens_half_opens_and_closes():
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_after=10, clock=lambda: now[0])
    breaker.record_failure()
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.open and not breaker.allow()
    now[0] = 10.5
    assert breaker.state is BreakerState.half_open
    assert breaker.allow() and not breaker.allow()  # exactly one probe
    breaker.record_failure()
    assert breaker.state is BreakerState.open
    now[0] = 21
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.closed and breaker.allow()


def test_run_limits_from_the_environment():
    from workflows_library.config import RunLimits, run_limits

    limits = run_limits({"KIJKOCUT_JOB_HEALTH_TIMEOUT": "0.5", "KIJKOCUT_JOB_SUBMIT_ATTEMPTS": "7"})
    assert (limits.health_timeout, limits.dispatch_attempts) == (0.5, 7)
    assert limits.run_deadline == RunLimits().run_deadline
    with pytest.raises(ConfigError, match="KIJKOCUT_JOB_SUBMIT_ATTEMPTS must be a positive whole number"):
        run_limits({"KIJKOCUT_JOB_SUBMIT_ATTEMPTS": "2.5"})
    with pytest.raises(ConfigError, match="KIJKOCUT_JOB_CONTACT_DEADLINE must be a positive number"):
        run_limits({"KIJKOCUT_JOB_CONTACT_DEADLINE": "-1"})


def test_deadline_counts_from_its_start():
    from workflows_library.retry import Deadline

    now = [10.0]
    deadline = Deadline(5, clock=lambda: now[0])
    now[0] = 13.0
    assert (deadline.elapsed, deadline.remaining, deadline.expired) == (3.0, 2.0, False)
    now[0] = 15.0
    assert deadline.expired and deadline.remaining == 0.0
