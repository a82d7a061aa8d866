"""Background services: one shape for long-running work, and a supervisor that runs a role's services."""

from workers.services.base import Service, ServiceHealth
from workers.services.heartbeat import ProcessHealth, published
from workers.services.supervisor import Supervisor

__all__ = ["ProcessHealth", "Service", "ServiceHealth", "Supervisor", "published"]
