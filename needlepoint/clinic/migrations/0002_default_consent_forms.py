"""The consent forms Needlepoint ships: micro-needling treatment and use of photographs, version 1.

The wording is frozen here (a migration must not change with later code); the risks come from
CLINICAL-FACTS.md sections 1, 3 and 7, with no figure that the sources do not give."""

import hashlib

from django.db import migrations

TREATMENT_TITLE = "Consent to micro-needling treatment"
TREATMENT_BODY = """\
What the treatment is
Micro-needling (collagen induction therapy) uses a pen with fine, sterile needles to make tiny,
controlled wounds in the skin. As the skin heals it makes more collagen and elastin. Several
sessions, usually a few weeks apart, are normally needed, and results vary from person to
person. Mild scarring tends to respond better than severe or deep scarring, which may need a
different treatment.

What to expect
- Redness and some swelling are usual and can last up to 7 days; most people recover in 2 to 3
  days (Chu et al., Dermatol Surg 2021; J Drugs Dermatol 2024).
- The skin may feel sore, tight or dry for a few days.
- Pinpoint bleeding during the treatment is expected; it is how your practitioner knows the
  right depth was reached.
- A numbing cream may be applied first; it is usually left on for 45 to 60 minutes
  (Doddaballapur, J Cutan Aesthet Surg 2009).

Less common risks
- Infection, if the skin is not kept clean or the needles are not sterile. Your practitioner
  opens a new, individually packed sterile cartridge in front of you and records its lot
  number on your record, so that you can be contacted if a problem with it is ever found
  (Toronto Public Health, BodySafe; CDC MMWR 2024;73(16):372-6).
- Darker or lighter patches of skin, flare-ups of cold sores, breakouts, or an allergic
  reaction to the numbing cream or to products put on the skin. Products not made for use in
  the skin have been linked to lumps (granulomas) (Chu et al., Dermatol Surg 2021).
- A reaction to metal in the needles if you have a metal allergy.

Before the treatment, I confirm that
- the answers I gave in my health questionnaire are true and complete, and I will tell my
  practitioner if anything changes (new medicines, pregnancy, a skin infection, a cold sore);
- I have been told about the risks above and about other options, and my questions were
  answered;
- I understand that the practitioner may stop or not start the treatment if it is not safe.

After the treatment, I will
- use sunscreen for at least 48 hours (Farber et al., Plast Aesthet Res 2020);
- follow the aftercare advice my practitioner gives me, and contact the clinic if I have
  redness lasting more than 3 days, signs of infection (heat, pus, fever) or darkening skin.

Photographs
- My practitioner may take before and after photographs of the treated areas for my clinical
  record. They are stored privately, without location or camera details, and shown only to
  the staff of this clinic who treat me, and to me. Any other use needs my separate consent.

I can withdraw this consent at any time before or during a session."""

PHOTO_TITLE = "Consent to the use of my photographs beyond my clinical record"
PHOTO_BODY = """\
My treatment photographs belong to my clinical record (see the treatment consent). This form
asks for something more, and saying no changes nothing about my treatment.

What I agree to
- This clinic may show my before and after photographs, without my name, to its own
  practitioners and managers, to teach and to compare how skin responds (the clinic's photo
  gallery in Needlepoint).
- Location and camera details are removed from every photograph before it is stored.

What I do not agree to unless I say so separately in writing
- Use of my photographs on a website, in advertising, on social media or outside this clinic.

I can withdraw this consent at any time; from then on my photographs are shown only in my
clinical record, to the staff who treat me and to me."""


def ship(apps, schema_editor):  # type: ignore[no-untyped-def]
    ConsentForm = apps.get_model("clinic", "ConsentForm")
    for kind, title, body in (
        ("treatment", TREATMENT_TITLE, TREATMENT_BODY),
        ("photo", PHOTO_TITLE, PHOTO_BODY),
    ):
        digest = hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()
        ConsentForm.objects.get_or_create(
            clinic=None,
            kind=kind,
            version=1,
            defaults={"title": title, "body": body, "digest": digest},
        )


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
