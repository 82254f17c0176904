"""The error the engine raises for an input the district's rules cannot place."""


class RuleInputError(ValueError):
    """An input the district's rules cannot place (unknown lane, reserved step...)."""
