"""Background services: one shape for long-running work, a supervisor that runs a role's services, and
groups of services in a child process of their own."""

from workers.services.base import Service, ServiceHealth
from workers.services.group import ChildGroup, watch_parent
from workers.services.heartbeat import ProcessHealth, published
from workers.services.supervisor import Supervisor

__all__ = ["ChildGroup", "ProcessHealth", "Service", "ServiceHealth", "Supervisor", "published", "watch_parent"]
