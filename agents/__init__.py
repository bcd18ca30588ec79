"""Production agents: a brief goes in, specialised agents plan the production, a person approves each step
(ARCHITECTURE.md, "Production agents")."""
