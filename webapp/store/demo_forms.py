"""The demo's answers to the PPE questionnaires (masks and aprons; gloves), from a
persona's facts, and the helpers the IT form shares. One function per questionnaire:
when a questionnaire changes, only its function changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from .demo_cast import Persona, Site
from .demo_texts import texts_for

#: attaches an evidence file to the response for a question; returns its reference
Files = Callable[[str, str], list[str]]


def day(today: date, days_ago: int) -> str:
    return (today - timedelta(days=days_ago)).isoformat()


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def audited(p: Persona) -> list[Site]:
    return [s for s in p.sites if s.audit]


def migrants(p: Persona) -> int:
    return max((s.migrants for s in p.sites if s.tier == 1), default=0)


def site_conditions(p: Persona, *extra: str) -> list[dict[str, Any]]:
    """One row per tier-1 site; the labour facts hold where migrants work.

    `extra` names the optional columns a questionnaire's table has (workers,
    migrant_share)."""
    rows = []
    for s in (s for s in p.sites if s.tier == 1):
        migrant = s.migrants > 0
        row = {"site": f"{s.company}, {s.city}", "country": s.country, "region": s.region,
               "workers": s.workers, "migrant_share": s.migrants,
               "max_weekly_hours": p.hours, "fees_paid": p.fees if migrant else "no",
               "documents_held": p.passports if migrant else "no",
               "free_movement": "yes", "free_to_resign": "yes", "wages_withheld": "no"}
        rows.append({k: v for k, v in row.items()
                     if k not in ("workers", "migrant_share") or k in extra})
    return rows


def indicators(p: Persona) -> dict[str, str]:
    """The ILO indicators asked as "found": deception, violence, threats, isolation."""
    return {f"{k}_found": p.indicators.get(k, "no")
            for k in ("deception", "violence", "threats", "isolation")}


def freedom(p: Persona) -> dict[str, Any]:
    """Fees repaid, wages, movement, resigning and housing, as masks and IT ask them."""
    return {"fees_repaid": p.fees_repaid, "wages_withheld": "no", "minimum_wage": "yes",
            "free_movement": "yes", "free_to_resign": "yes", "dormitory_locked": "no",
            **indicators(p)}


def contact(p: Persona, *, company: bool = True) -> dict[str, Any]:
    answers = {"contact_name": p.contact, "contact_email": p.email,
               "contact_phone": "+46 8 550 123 40"}
    if company:
        answers |= {"company_name": p.name, "org_number": p.org_number}
    return answers


def policy(p: Persona, today: date, files: Files, dd_file: str, *revised: str
           ) -> dict[str, Any]:
    """Code of conduct and due-diligence process, with files; `revised`: the date ids."""
    return {"code_of_conduct": "yes", "code_file": files("code_file", "uppforandekod.pdf"),
            "dd_process": yes(p.quality != "weak"),
            dd_file: files(dd_file, "due-diligence.pdf"),
            **{qid: day(today, 200) for qid in revised}}


def masks(p: Persona, today: date, files: Files) -> dict[str, Any]:
    """ppe-masks-aprons (version 2)."""
    t = texts_for(p)
    stages = sorted({("end_production", "components", "raw_materials")[min(s.tier, 3) - 1]
                     for s in p.sites if s.country == "CN"}) or ["none"]
    unknown_xj = "dont_know" in (p.xj_tier, p.labour_transfer, p.uflpa, *p.xj_inputs)
    answers = contact(p) | policy(p, today, files, "dd_process_file", "code_revised",
                                         "dd_process_revised") | {
        "agreements": ["bristvaror_2020"] + (["hos_2018"] if "HSM-2018" in p.agreements
                                              else []),
        "role": p.role, "products": list(p.products), "product_details": t["products"],
        "annual_volume": t["volume"], "dd_description": t["dd"],
        "mapping_depth": p.mapping, "mapped_share": p.mapped_share,
        "mapping_method": t["mapping"], "mapping_plan": t.get("plan"),
        "tiers": [{"tier": s.tier, "process_step": s.step, "company": s.company,
                   "city": s.city, "country": s.country, "region": s.region,
                   "products": s.products,
                   "audit_standard": s.audit.standard if s.audit else "none",
                   "audit_date": day(today, s.audit.days_ago) if s.audit else None,
                   "evidence": files("tiers", "revision.pdf") if s.audit else None}
                  for s in p.sites],
        "china_stages": stages, "not_china_basis": t["not_china"],
        "china_share": 100 if "end_production" in stages else 30,
        "china_followup": t["china"], "china_components_followup": t["china"],
        "xj_tier": p.xj_tier, "xj_tier_details": t["xj_details"],
        "xj_inputs": list(p.xj_inputs), "xj_labour_transfer": p.labour_transfer,
        "xj_uflpa": p.uflpa, "xj_uflpa_names": t["uflpa_names"],
        "xj_unknown_explain": t["xj_unknown"] if unknown_xj else None,
        "xj_check_method": t["xj_check"], "uyghur_risks": t["uyghur"],
        "recruitment_fees": p.fees, "recruitment_fees_details": t["fee_remediation"],
        "id_documents_held": p.passports, "migrant_share": migrants(p),
        "migrant_origin": ", ".join(p.origins) or None, "max_weekly_hours": p.hours,
        "dormitory": yes(p.dormitory), "dormitory_free_leave": "yes", **freedom(p),
        "site_conditions": site_conditions(p, "workers", "migrant_share"),
        "labour_measures": t["labour"],
        "audits": _masks_audits(p, today, files),
        "allows_buyer_audits": yes(p.allows_audits),
        "buyer_audit_conditions": t["buyer_audits"], "grievance_mechanism": "yes",
        "deviations_found": yes(p.deviations_found),
        "deviations_handling": t["deviations"], "deviations_measures": t["followup"],
        "remediation_approach": t["remediation"], "declaration": "yes",
    }
    if p.deviations_found:
        answers["action_plan_file"] = files("action_plan_file", "atgardsplan.pdf")
    if not audited(p):
        answers["no_audit_reason"] = t["plan"] if "plan" in t else t["followup"]
    return answers


def _masks_audits(p: Persona, today: date, files: Files) -> list[dict[str, Any]]:
    return [{"site": f"{s.company}, {s.city}", "country": s.country, "region": s.region,
             "standard": s.audit.standard, "audit_date": day(today, s.audit.days_ago),
             "audit_firm": s.audit.firm, "findings_minor": s.audit.minor,
             "findings_major": s.audit.major, "findings_critical": s.audit.critical,
             "action_plan_status": s.audit.status, "report": files("audits", "revision.pdf")}
            for s in audited(p)]


def open_actions(p: Persona, sites: list[Site], today: date) -> list[dict[str, Any]] | None:
    """The supplier's own list of open audit findings: the plan's items, or a summary."""
    if not sites:
        return None
    deadline = (today + timedelta(days=60)).isoformat()
    if not p.plan:
        return [{"deviation": f"{s.audit.major} större och {s.audit.minor} mindre "
                              f"avvikelser från revisionen ({s.audit.firm})",
                 "factory": s.company, "severity": "major" if s.audit.major else "minor",
                 "owner": "Fabrikschefen", "deadline": deadline, "status": "in_progress"}
                for s in sites]
    return [{"deviation": d.text, "factory": sites[0].company, "severity": d.severity,
             "owner": "Fabrikens HR-chef", "deadline": deadline, "status": "open"}
            for d in p.plan[:4]]


GLOVE_STAGES = {"nbr_latex": "raw_materials", "natural_latex": "raw_materials",
                "chemicals": "chemicals", "formers": "formers",
                "packaging": "packaging_material", "compounding": "dipping",
                "dipping": "dipping", "integrated": "dipping"}


def gloves(p: Persona, today: date, files: Files) -> dict[str, Any]:
    """gloves (version 2)."""
    t = texts_for(p)
    factories = [s for s in p.sites if s.tier == 1]
    sources = [s for s in p.sites if s.tier > 1]
    china = sorted({"packing" if s.tier == 1 and s.step == "packaging"
                    else GLOVE_STAGES[s.step] for s in p.sites if s.country == "CN"})
    unknown_xj = "dont_know" in (p.xj_tier, p.labour_transfer, p.uflpa, *p.xj_inputs)
    audits = audited(p)
    open_findings = [s for s in audits if s.audit.status in ("open", "in_progress")]
    fees_ok = p.fees != "yes" or p.fees_repaid != "not_repaid"
    answers = contact(p, company=False) | policy(p, today, files, "dd_file", "policy_revised") | {
        "supplier_role": p.role, "glove_types": list(p.products), "brands": t["brands"],
        "mapping_depth": p.mapping, "volume_mapped": p.mapped_share,
        "factories": [{"company": s.company, "city": s.city, "country": s.country,
                       "region": s.region, "process_step": s.step, "workers": s.workers,
                       "migrant_share": s.migrants,
                       "audit_standard": s.audit.standard if s.audit else "none",
                       "audit_date": day(today, s.audit.days_ago) if s.audit else None,
                       "evidence": files("factories", "revision.pdf") if s.audit else None}
                      for s in factories],
        "raw_material_sources": [{"material": s.step, "supplier": s.company,
                                  "country": s.country, "region": s.region}
                                 for s in sources],
        "china_any_stage": yes(bool(china)), "china_stages": china,
        "china_how_concluded": t["not_china"], "china_followup": t["china"],
        "xinjiang_tier": p.xj_tier, "xinjiang_inputs": list(p.xj_inputs),
        "labour_transfer": p.labour_transfer, "uflpa_entity": p.uflpa,
        "xinjiang_dont_know_explain": t["xj_unknown"] if unknown_xj else None,
        "xinjiang_check_method": t["xj_check"],
        "migrant_share_total": migrants(p), "migrant_origins": list(p.origins),
        "recruitment_agencies": "yes", "agencies_details": t["agencies"],
        "recruitment_fees": p.fees, "fees_dont_know_explain": t["xj_unknown"],
        "fees_repaid": p.fees_repaid, "fee_remediation": t["fee_remediation"],
        "employer_pays_policy": yes(fees_ok),
        "employer_pays_file": files("employer_pays_file", "employer-pays.pdf"),
        "contracts_own_language": yes(p.fees == "no"),
        "high_migrant_verification": t["migrants"],
        "passports_held": p.passports, "passports_return": t["passports_return"],
        "safe_lockers": yes(p.passports == "no"), "free_movement": "yes",
        "resign_without_penalty": "yes",
        **indicators(p),
        "max_weekly_hours": p.hours, "rest_day": yes(p.hours <= 60),
        "wage_withholding": "no", "minimum_wage": "yes",
        "dormitory_provided": yes(p.dormitory), "dorm_occupancy": 6 if fees_ok else 16,
        "dorm_gender_separated": "yes", "dorm_free_leave": "yes", "dormitory_locked": "no",
        "site_conditions": site_conditions(p),
        "audits_last_two_years": yes(any(s.audit.days_ago < 730 for s in audits)),
        "audits": [{"factory": s.company, "country": s.country, "region": s.region,
                    "standard": s.audit.standard,
                    "audit_date": day(today, s.audit.days_ago),
                    "audit_firm": s.audit.firm, "minor": s.audit.minor,
                    "major": s.audit.major, "critical": s.audit.critical,
                    "action_status": s.audit.status,
                    "report": files("audits", "revision.pdf")} for s in audits],
        "reaudit_done": yes(not open_findings),
        "allow_buyer_audits": yes(p.allows_audits),
        "open_actions_exist": yes(bool(open_findings)),
        "open_actions": open_actions(p, open_findings, today),
        "action_followup": t["followup"], "declaration": "yes",
    }
    return answers
