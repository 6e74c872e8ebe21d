"""The shapes of the demo's personas: sites, audits, a supplier's facts and its story.

A persona states facts once (where each site is, who audited it, what the workers
paid); `demo_answers` turns them into the answers of a questionnaire, so the same
fact gives the same answer everywhere in the form. Defaults describe a supplier with
no problems: a persona names only what differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Audit:
    """A social audit of a site: standard, how long ago, by whom and what it found."""

    standard: str  # smeta, amfori_bsci, rba_vap, sa8000
    days_ago: int
    firm: str
    minor: int = 0
    major: int = 0
    critical: int = 0
    status: str = "no_findings"  # no_findings, closed, in_progress, open
    score: int | None = None  # RBA VAP (out of 200) or SAQ (out of 100) for it-hardware


@dataclass(frozen=True)
class Site:
    """One site of the supply chain; the country is the region code's prefix."""

    tier: int
    step: str  # the questionnaire's process step (or, for it-hardware, the component)
    company: str
    city: str
    region: str  # ISO 3166-2, e.g. MY-10
    products: str = ""
    audit: Audit | None = None
    workers: int | None = None
    migrants: int = 0  # share of migrant workers, per cent

    @property
    def country(self) -> str:
        return self.region.split("-")[0]


@dataclass(frozen=True)
class Deviation:
    """An item of the action plan and where it ended: closed, in_progress or open."""

    severity: str
    text: str
    days: int  # deadline, days from today (negative: already past)
    end: str = "closed"
    note: str = ""  # the supplier's progress report


@dataclass(frozen=True)
class Model:
    """An it-hardware product model, assembled at the persona's first tier-1 site."""

    brand: str
    name: str
    category: str
    components: str
    site: int = 0  # which of the persona's tier-1 sites assembles it


@dataclass(frozen=True)
class Persona:
    """A fictional supplier, the facts behind its answers, and how its review went."""

    name: str
    org_number: str
    contact: str
    email: str
    questionnaire: str
    campaign: str  # a key of CAMPAIGNS
    status: str  # where the response ends
    verdict: str  # green, amber or red: what the scoring must agree with
    agreements: tuple[str, ...] = ()  # contract references, beside the campaign's
    language: str = "sv"
    role: str = "distributor"
    products: tuple[str, ...] = ()
    mapping: str = "raw_material"
    mapped_share: int = 100
    sites: tuple[Site, ...] = ()
    models: tuple[Model, ...] = ()
    # Xinjiang: "no", "yes" or "dont_know"; inputs as the questionnaire's option values
    xj_tier: str = "no"
    xj_inputs: tuple[str, ...] = ("none",)
    labour_transfer: str = "no"
    uflpa: str = "no"
    # labour
    fees: str = "no"
    fees_repaid: str = "all_repaid"
    passports: str = "no"
    origins: tuple[str, ...] = ()
    hours: int = 54
    dormitory: bool = False
    student_workers: str = "no"
    indicators: dict[str, str] = field(default_factory=dict)  # deception, violence... found
    allows_audits: bool = True
    rba: str = "full_member"
    deviations_found: bool = False
    quality: str = "strong"  # strong, partial or weak: the free texts and their grades
    texts: dict[str, str] = field(default_factory=dict)  # story texts by topic
    # the review
    clarify: dict[str, str] = field(default_factory=dict)
    justification: str = ""
    plan: tuple[Deviation, ...] = ()
    closed_reason: str = ""

    @property
    def china(self) -> bool:
        return any(site.country == "CN" for site in self.sites)
