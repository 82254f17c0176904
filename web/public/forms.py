"""The public estimator's form (read from the query string: an estimate changes nothing), shaped by the district.

`DistrictInputs` says which of the engine's options a district's rules use (engine/teacher/options.py);
`EstimateForm.for_district` keeps only those fields, with the district's own choices, so a teacher is asked
for their pay band in Harmony and for nothing of the kind in Dysart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from engine import schedule_table
from engine.rules import DistrictRules
from web.labels import label, school_year_names

DEGREES = ("bachelor", "master", "specialist", "doctorate")


@dataclass
class DistrictInputs:
    """What a district's rules read beyond step and lane, each with the choices a person picks from."""

    bands: list[str] = field(default_factory=list)
    band_hint: str = ""
    roles: list[tuple[str, str]] = field(default_factory=list)
    ratings: list[str] = field(default_factory=list)
    years_of_service: bool = False
    micro_credentials_held: bool = False
    degree: bool = False
    subjects: list[tuple[str, str]] = field(default_factory=list)
    certifications: list[tuple[str, str]] = field(default_factory=list)
    certified: bool = False

    @classmethod
    def of(cls, rules: DistrictRules) -> "DistrictInputs":
        """Read which inputs the district's additions and roles use."""
        needs = cls()
        band_names: dict[str, list[str]] = {}
        for addition in rules.additions:
            rule = addition.eligibility
            for band in rule.bands or []:
                band_names.setdefault(str(band), []).append(addition.name)
            for subject in rule.subjects or []:
                if subject not in dict(needs.subjects):
                    needs.subjects.append((subject, label(subject)))
            for certification in rule.certifications or []:
                if certification not in dict(needs.certifications):
                    # One certification per addition: the addition's name says it best ("National Board certification").
                    words = addition.name if len(rule.certifications) == 1 else label(certification)
                    needs.certifications.append((certification, words))
            needs.degree |= rule.degrees is not None
            needs.certified |= rule.certified is not None
            needs.years_of_service |= rule.min_years is not None or addition.kind == "longevity"
        needs.bands = sorted(band_names, key=lambda b: (not b.isdigit(), int(b) if b.isdigit() else 0, b))
        if band_names:
            needs.band_hint = "; ".join(f"{name}: band{'s' if len(bands) > 1 else ''} {' and '.join(bands)}"
                                        for name, bands in _by_addition(band_names).items())
        needs.roles = [(role.id, role.name) for role in rules.roles]
        if rules.roles:
            needs.years_of_service = needs.years_of_service or any(role.min_years for role in rules.roles)
            if any(role.rating for role in rules.roles):
                needs.ratings = list(rules.budget.ratings)
            needs.micro_credentials_held = any(role.micro_credentials for role in rules.roles)
        needs.micro_credentials_held |= rules.micro_credentials.counts_toward == "growth_steps"
        return needs


def _by_addition(band_names: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for band, names in band_names.items():
        for name in names:
            out.setdefault(name, []).append(band)
    return out


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, text) for value, text in pairs]


class ChoiceField(SelectField):
    """A select whose refusal names what was given and what may be chosen."""

    def pre_validate(self, form):
        offered = [choice.value for choice in self.choices]
        if self.data not in offered and not (self.data in ("", None) and not self.flags.required):
            names = ", ".join(choice.label for choice in self.choices if choice.value)
            raise ValidationError(f"unknown {self.label.text.lower()} {self.data!r} (choose one of: {names})")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (subjects, certifications)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _lane_choices(rules: DistrictRules, school_year: str) -> list[tuple[str, str]]:
    try:
        lanes = schedule_table(rules, school_year)["lanes"]
    except (LookupError, ValueError):
        lanes = [{"id": lane.id, "name": lane.label} for lane in rules.lanes]
    return [(lane["id"], lane["name"]) for lane in lanes]


def _step_hint(rules: DistrictRules, school_year: str) -> str | None:
    try:
        rows = [row for row in schedule_table(rules, school_year)["rows"] if not row["reserved"]]
    except (LookupError, ValueError):
        return None
    first, last = rows[0]["first_step"], rows[-1]["last_step"]
    return f"Steps {first} and up" if last is None else f"Steps {first} to {last} on this schedule"


def school_year_choices(rules: DistrictRules, today: date) -> list[tuple[str, str]]:
    """The adopted school years, plus this and next school year (carried forward when not yet adopted), newest first."""
    names = school_year_names(rules, today)
    adopted = rules.school_years()
    current = [year for year, name in names.items() if name != "last school year" and year >= adopted[0]]
    years = sorted(set(adopted) | set(current), reverse=True)
    choices = []
    for year in years:
        words = [names[year]] if year in names else []
        if year not in adopted:
            words.append("no schedule adopted yet: the latest is carried forward")
        choices.append((year, f"{year} ({', '.join(words)})" if words else year))
    return choices


class EstimateForm(FlaskForm):
    """District, school year, placement, what the teacher holds, and what the district's rules also read."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    district = ChoiceField("District", validators=[InputRequired()])
    school_year = ChoiceField("School year", validators=[InputRequired()])
    step = StringField("Step", validators=[InputRequired(message="Enter your step on the schedule."), Length(max=24),
                                           Regexp(r"^[A-Za-z0-9 .&+()-]+$", message="A step number, or its label on "
                                                  "the schedule (B, 1 & 2, L.5 (10)).")],
                       description="A number, or the step's label on the schedule", render_kw={"autocomplete": "off"})
    lane = ChoiceField("Lane", validators=[InputRequired()])
    fte = DecimalField("FTE (1 = full time)", default=1, places=None,
                       validators=[Optional(), NumberRange(min=Decimal("0.01"), max=1, message="FTE is more than 0 and at most 1.")],
                       render_kw={"inputmode": "decimal"})
    micro_credentials = IntegerField("Micro-credentials this year", default=0,
                                     validators=[Optional(), NumberRange(min=0, max=60)],
                                     render_kw={"inputmode": "numeric"})
    micro_credentials_held = IntegerField("Micro-credentials held before this year", default=0,
                                          validators=[Optional(), NumberRange(min=0, max=500)],
                                          render_kw={"inputmode": "numeric"})
    credits = DecimalField("Graduate credit hours this year", default=0, places=None,
                           validators=[Optional(), NumberRange(min=0, max=200)], render_kw={"inputmode": "decimal"})
    band = ChoiceField("Pay band", validators=[Optional()])
    degree = ChoiceField("Highest degree", validators=[Optional()])
    subjects = MultiCheckboxField("Subjects you teach", validators=[Optional()])
    certifications = MultiCheckboxField("Certifications and endorsements", validators=[Optional()])
    certified = ChoiceField("Teaching certificate", choices=choices([("yes", "Certified"), ("no", "Not certified")]),
                            default="yes", validators=[Optional()])
    role = ChoiceField("Teacher-leader role", validators=[Optional()])
    years_of_service = IntegerField("Years of service", validators=[Optional(), NumberRange(min=0, max=60)],
                                    render_kw={"inputmode": "numeric"})
    rating = ChoiceField("Evaluation rating", validators=[Optional()])
    years = IntegerField("Years to show", default=10, validators=[Optional(), NumberRange(min=1, max=40)],
                         render_kw={"inputmode": "numeric"})
    submit = SubmitField("Estimate")

    # Fields a district may not use, and the DistrictInputs attribute that says whether it does.
    OPTIONAL_FIELDS = {"band": "bands", "degree": "degree", "subjects": "subjects", "certifications": "certifications",
                       "certified": "certified", "role": "roles", "years_of_service": "years_of_service",
                       "rating": "ratings", "micro_credentials_held": "micro_credentials_held"}

    def for_district(self, districts: dict[str, DistrictRules], today: date) -> tuple[DistrictRules, DistrictInputs]:
        """Set the district's choices, drop the fields its rules do not read; give its rules and inputs."""
        ordered = sorted(districts.values(), key=lambda rules: rules.district.name)
        self.district.choices = choices((rules.id, rules.district.name) for rules in ordered)
        rules = districts.get(self.district.data) or ordered[0]
        self.district.data = rules.id
        years = school_year_choices(rules, today)
        self.school_year.choices = choices(years)
        year = self.school_year.data
        if year not in dict(years):
            this_year = next(year for year, name in school_year_names(rules, today).items() if name == "this school year")
            adopted = rules.school_years()
            year = this_year if this_year >= adopted[0] else adopted[-1]
            if not self.school_year.data:
                self.school_year.data = year  # a year given but not offered stays, for validation to refuse by name
        self.lane.choices = choices(_lane_choices(rules, year))
        self.step_hint = _step_hint(rules, year)
        needs = DistrictInputs.of(rules)
        for name, attribute in self.OPTIONAL_FIELDS.items():
            if not getattr(needs, attribute):
                delattr(self, name)
        if "band" in self:
            self.band.choices = choices([("", "Not in a pay band")] + [(b, f"Band {b}") for b in needs.bands]
                                        + [("other", "Another band")])
        if "degree" in self:
            self.degree.choices = choices([("", "The one my lane needs")] + [(d, label(d)) for d in DEGREES])
        if "subjects" in self:
            self.subjects.choices = choices(needs.subjects)
        if "certifications" in self:
            self.certifications.choices = choices(needs.certifications)
        if "role" in self:
            self.role.choices = choices([("", "No role")] + needs.roles)
        if "rating" in self:
            self.rating.choices = choices([("", "No rating yet")] + [(r, label(r)) for r in needs.ratings])
        return rules, needs

    def options(self, rules: DistrictRules) -> dict:
        """The engine's estimate options (engine/teacher/options.py) for the validated form."""
        options = {
            "district": rules.id, "school_year": self.school_year.data, "step": self.step.data, "lane": self.lane.data,
            "micro_credentials": self.micro_credentials.data or 0, "credits": str(self.credits.data or 0),
            "years": self.years.data or 10,
        }
        if self.fte.data is not None:
            options["fte"] = str(self.fte.data)
        if "band" in self and self.band.data:
            options["band"] = self.band.data
        if "degree" in self and self.degree.data:
            options["degree"] = self.degree.data
        if "subjects" in self and self.subjects.data:
            options["subjects"] = list(self.subjects.data)
        if "certifications" in self and self.certifications.data:
            options["certifications"] = list(self.certifications.data)
        if "certified" in self:
            options["certified"] = self.certified.data != "no"
        if "role" in self and self.role.data:
            options["role"] = self.role.data
        if "years_of_service" in self and self.years_of_service.data is not None:
            options["years_of_service"] = self.years_of_service.data
        if "micro_credentials_held" in self and self.micro_credentials_held.data:
            options["micro_credentials_held"] = self.micro_credentials_held.data
        if "rating" in self and self.rating.data:
            # The rating is taken to hold in every year shown, so a role's "rating within the last N years" stays met.
            first = rules.year(self.school_year.data)
            options["ratings"] = {first.plus(k).label: self.rating.data for k in range(options["years"])}
        return options


class ScheduleForm(FlaskForm):
    """Which district's schedule and school year to show."""

    class Meta:
        csrf = False

    district = ChoiceField("District", validators=[InputRequired()])
    school_year = ChoiceField("School year", validators=[InputRequired()], validate_choice=False)
    submit = SubmitField("Show")


DEGREE_CHOICES = [SelectChoice("bachelor", "Bachelor's"), SelectChoice("master", "Master's"),
                  SelectChoice("specialist", "Specialist"), SelectChoice("doctorate", "Doctorate"),
                  SelectChoice("none", "No degree")]


class CompareForm(FlaskForm):
    """A career path to run through every district, and optionally a district to rank (a GET form)."""

    class Meta:
        csrf = False

    degree = SelectField("Degree at hire", choices=DEGREE_CHOICES, default="bachelor")
    years = IntegerField("Years of career", default=30, validators=[Optional(), NumberRange(min=1, max=40)],
                         render_kw={"inputmode": "numeric"})
    credits_per_year = DecimalField("Graduate credit hours a year", default=0, places=None,
                                    validators=[Optional(), NumberRange(min=0, max=30)], render_kw={"inputmode": "decimal"})
    credit_years = IntegerField("for how many years", default=0, validators=[Optional(), NumberRange(min=0, max=40)],
                                render_kw={"inputmode": "numeric"})
    micro_credentials_per_year = IntegerField("Micro-credentials a year", default=0,
                                              validators=[Optional(), NumberRange(min=0, max=20)],
                                              render_kw={"inputmode": "numeric"})
    micro_credential_years = IntegerField("for how many years", default=0,
                                          validators=[Optional(), NumberRange(min=0, max=40)],
                                          render_kw={"inputmode": "numeric"})
    district = SelectField("Rank this district", validators=[Optional()], validate_choice=False)
    submit = SubmitField("Compare")
