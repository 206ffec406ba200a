from .base import *  # noqa: F401,F403

PORTAL_ENV = "dev"
DEBUG = env_bool("DEBUG", True)  # noqa: F405
INTERNAL_IPS = ["127.0.0.1"]
