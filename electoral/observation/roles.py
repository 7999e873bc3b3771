"""Who does what in observation, by role: the pages' declarations (blueprint.py) and the services that
tell a coordinator from an observer (a filing's photo) read the same tuples here."""

from electoral.core.auth import Role

# Accreditation is the commission's act; the observer groups' coordinators ask for it.
COMMISSION = (Role.ADMINISTRATOR,)
COORDINATORS = (Role.OBSERVER_COORDINATOR, Role.ADMINISTRATOR)
