"""Browser robots: targets described as recipes in config/targets/, one generic robot that interprets them,
sessions that recover, and the check that tells when a SaaS changed its screens."""

from robots.web.accounting import CREATE_DEAL, deal_input
from robots.web.browser import launch_chromium, new_context
from robots.web.check import CheckReport, LocatorCheck, check_target
from robots.web.credentials import LoginValues, SecretRef, SecretResolver, env_secrets
from robots.web.registry import register_step
from robots.web.robot import EntryOutcome, RecipeRobot, StepContext
from robots.web.session import TargetSession, session_state_path
from robots.web.target import LocatorSpec, Operation, Target, check_input, list_targets, load_target

__all__ = [
    "CREATE_DEAL",
    "CheckReport",
    "EntryOutcome",
    "LocatorCheck",
    "LocatorSpec",
    "LoginValues",
    "Operation",
    "RecipeRobot",
    "SecretRef",
    "SecretResolver",
    "StepContext",
    "Target",
    "TargetSession",
    "check_input",
    "check_target",
    "deal_input",
    "env_secrets",
    "launch_chromium",
    "list_targets",
    "load_target",
    "new_context",
    "register_step",
    "session_state_path",
]
