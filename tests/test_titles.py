"""Fields a person sees: titles written as "subject – what happens" in the text's language,
and the place, organiser, reference and contact read where the text states them. Texts are
ours, modelled on the award calls, job ads, trial statements, newsletters and programmes
that real posts are made of."""

import datetime as dt

import pytest

from bot.extract import extract, fields, language, titles

PUBLISHED = dt.date(2027, 3, 2)

# (text, title, location, organiser, reference, contact) of the one item the text announces
CASES = [
    pytest.param(
        "Call for nominations: the Harbour Light Prize 2027\n\nMarch 2, 2027\n\nThe prize honours defenders of coastal "
        "communities. Nominations for the Harbour Light Prize 2027 close on 30 April 2027. Send them to "
        "prize@harbourlight.example.org.\n",
        "Harbour Light Prize 2027 – nominations close", None, None, None, "prize@harbourlight.example.org", id="en-award"),
    pytest.param(
        "Offre d'emploi : chargé·e de protection\n\n3 mars 2027\n\nLe Réseau ouest-africain des défenseurs recrute un·e "
        "chargé·e de protection pour son bureau de Dakar. Envoyez votre CV et une lettre de motivation avant le 31 mars 2027 "
        "en indiquant la "
        "référence RAO-2027-04.\n",
        "Chargé·e de protection – clôture des candidatures", "Dakar", "Réseau ouest-africain des défenseurs", "RAO-2027-04",
        None, id="fr-job"),
    pytest.param(
        "Protection Officer (REF-SDN-2027-07)\n\nMarch 2, 2027\n\nThe Sahel Defenders Network is recruiting a Protection "
        "Officer for its Dakar office. Applications close on 31 March 2027.\n",
        "Protection Officer (REF-SDN-2027-07) – applications close", "Dakar", "Sahel Defenders Network", "REF-SDN-2027-07",
        None, id="en-job-office"),
    pytest.param(
        "Chile: audiencia de apelación de los defensores del río Claro\n\n2 de marzo de 2027\n\nLa Sala Penal de "
        "Apelaciones de Temuco revisará el recurso de los cuatro defensores el 12 de abril de 2027 a las 10:00 horas.\n",
        "Audiencia de apelación de los defensores del río Claro, Sala Penal de Apelaciones de Temuco",
        "Sala Penal de Apelaciones de Temuco", None, None, None, id="es-appeal"),
    pytest.param(
        "Einladung: Fachgespräch zu Menschenrechtsverteidigern im Exil\n\n1. März 2027\n\nWir laden Sie herzlich zu "
        "unserem Fachgespräch ein. Das Fachgespräch findet am 14. Mai 2027 um 18:00 Uhr statt.\nOrt: Haus der Demokratie, Berlin\n",
        "Fachgespräch zu Menschenrechtsverteidigern im Exil – Treffen, Haus der Demokratie, Berlin",
        "Haus der Demokratie, Berlin", None, None, None, id="de-venue-line"),
    pytest.param(
        "Gazeteci Deniz Aksoy davası\n\n2 Mart 2027\n\nGazeteci Deniz Aksoy'un yargılandığı dava 9 Mart 2027'de saat "
        "10.00'da İstanbul 14. Ağır Ceza Mahkemesi'nde görülecek.\n",
        "Gazeteci Deniz Aksoy davası – duruşma, İstanbul 14. Ağır Ceza Mahkemesi", "İstanbul 14. Ağır Ceza Mahkemesi",
        None, None, None, id="tr-court"),
    pytest.param(
        "Суд над правозащитником Ильёй Орловым\n\n2 марта 2027\n\nСледующее заседание суда состоится 3 апреля 2027 года "
        "в Москве.\n",
        "Суд над правозащитником Ильёй Орловым – судебное заседание, Москве", "Москве", None, None, None, id="ru-trial"),
    pytest.param(
        "Lina Haddad's appeal hearing postponed\n\nMarch 2, 2027\n\nThe appeal will now be heard on 9 March 2027 at the "
        "Beirut Court of Appeal. Organisations that wish to sign our joint statement before the hearing can write to "
        "signatures@observers.example.org. Press enquiries: press@observers.example.org\n",
        "Lina Haddad – appeal hearing, Beirut Court of Appeal", "Beirut Court of Appeal", None, None,
        "press@observers.example.org", id="en-possessive-sign-on-address-not-contact"),
    pytest.param(
        "Bando: Premio Voci Libere 2027\n\n2 marzo 2027\n\nLe candidature per il Premio Voci Libere 2027 devono pervenire "
        "entro il 30 aprile 2027.\n",
        "Premio Voci Libere 2027 – scadenza delle candidature", None, None, None, None, id="it-prize"),
    pytest.param(
        "Roda de conversa sobre defensoras da Amazônia\n\n2 de março de 2027\n\nA roda de conversa será realizada no dia "
        "20 de março de 2027, às 14h, em Belém.\n",
        "Roda de conversa sobre defensoras da Amazônia – reunião, Belém", "Belém", None, None, None, id="pt-city"),
    pytest.param(
        "ندوة حول حماية المدافعين عن حقوق الإنسان\n\nتنظم الشبكة ندوة حول حماية المدافعين يوم 15 مارس 2027 في تونس.\n",
        "ندوة حول حماية المدافعين عن حقوق الإنسان – ندوة عبر الإنترنت، تونس", "تونس", None, None, None, id="ar-city"),
    # in prose, the next sentence's city is somewhere else: no place rather than a wrong one
    pytest.param(
        "Press release\n\nBrussels, 2 March 2027 – Tomorrow our director will present the report at a press conference "
        "at 11:00 CET. Last week two of our partners were detained in Guatemala.\n",
        "Our director will present the report at a press conference", None, None, None, None,
        id="en-next-sentence-city"),
]


@pytest.mark.parametrize("text, title, location, organizer, reference, contact", CASES)
def test_fields_a_person_sees(text, title, location, organizer, reference, contact):
    [item] = extract(text, today=PUBLISHED, published=PUBLISHED).opportunities
    assert (item.title, item.location, item.organizer, item.reference, item.contact) == (
        title, location, organizer, reference, contact)


NEWSLETTER = (
    "Network newsletter – March 2027\n\nA word from the coordinators\n\nIt has been a busy month for the whole network, "
    "and we thank every member for their support.\n\nSmall grants: spring round\n\nGroups of defenders can apply for "
    "grants of up to 5,000 euros. Proposals are due by 15 April 2027.\n\nTraining: safe documentation\n\nOur online "
    "training on safe documentation will take place on 20 April 2027.\n")
PROGRAMME = (
    "Our side events at the 64th session of the Human Rights Council\n\n1 March 2027\n\nThis session we are hosting two "
    "side events.\n\n1. Defenders and climate litigation\nMonday 8 March 2027, 13:00–14:00 CET\nRoom XXII, Palais des "
    "Nations, and online\n\n2. Protecting journalists in exile\nWednesday 17 March 2027, 15:00–16:00 CET\nRoom XXV, "
    "Palais des Nations\n")


@pytest.mark.parametrize("text, expected", [
    # a newsletter's parts each name their subject: the newsletter's title names none
    (NEWSLETTER, [("Small grants: spring round", None), ("Training: safe documentation", None)]),
    # each entry of a programme has its own title and room, written under it
    (PROGRAMME, [("Defenders and climate litigation", "Room XXII, Palais des Nations"),
                 ("Protecting journalists in exile", "Room XXV, Palais des Nations")]),
])
def test_each_part_of_a_post_titles_its_own_dates(text, expected):
    items = extract(text, today=PUBLISHED, published=PUBLISHED).opportunities
    assert [(titles.subject_of(item.title), item.location) for item in items] == expected


@pytest.mark.parametrize("kind, subtype, lang, expected", [
    ("deadline", "nomination", "en", "nominations close"),
    ("deadline", "job", "fr", "clôture des candidatures"),
    ("deadline", "call-for-input", "es", "plazo para contribuciones"),
    ("hearing", "trial", "ru", "судебное заседание"),
    ("hearing", "verdict", "tr", "karar duruşması"),
    ("event", "side-event", "de", "Begleitveranstaltung"),
    ("event", "other", "pl", "wydarzenie"),
    ("deadline", "other", "ar", "الموعد النهائي"),
    ("hearing", "other", "uk", "судове засідання"),
    ("event", "webinar", "sv", "webinar"),  # a language without a table: English
])
def test_what_happens_is_said_in_the_texts_language(kind, subtype, lang, expected):
    assert titles.what(kind, subtype, lang) == expected


@pytest.mark.parametrize("headings, sentence, date_text, expected", [
    # a name in the sentence, completed by the longer one above it
    (("Summer Course on the Protection of Defenders, Poland",), "The Summer Course opens on 2 July.",
     "2 July", "Summer Course on the Protection of Defenders"),
    # labels, site names and bylines are no subject
    (("Call for applications: Rapid Response Fund",), "Apply by 3 May.", "3 May", "Rapid Response Fund"),
    (("Webinar – documenting torture safely | Defenders Desk",), "Join us on 3 May.", "3 May", "Documenting torture safely"),
    (("EVENTOS",), "La presentación del informe tendrá lugar el 3 de mayo.", "3 de mayo", "La presentación del informe tendrá lugar"),
    (("© Photo: Nadia Reyes",), "The forum opens on 3 May.", "3 May", "The forum opens"),
    # a headline in capitals is written as a title
    (("PRIJS VOOR MENSENRECHTEN 2027",), "Nomineren kan tot 3 mei.", "3 mei", "Prijs voor mensenrechten 2027"),
    # the words left before the date go with it ("set for")
    ((), "The hearing in the case has been set for 3 May, lawyers said.", "3 May", "The hearing in the case has been set"),
    # a date that opens the sentence is no clause of its own; nor are clock times a subject
    ((), "Next Tuesday, the network holds a roundtable on protest rights.", "Next Tuesday",
     "The network holds a roundtable on protest rights"),
    ((), "On 3 May, the court will hear the appeal of the Lamu defenders.", "3 May",
     "The court will hear the appeal of the Lamu defenders"),
    ((), "Tomorrow, our director will present the report at a press conference at 11:00 CET.", "Tomorrow",
     "Our director will present the report at a press conference"),
    ((), "La convocatoria se cerrará el 3 de mayo a las 18:00 horas.", "3 de mayo", "La convocatoria se cerrará"),
    # a day as the subject: the title is what it sees start
    ((), "Thursday sees the start of a two-day webinar on legal aid.", "Thursday", "A two-day webinar on legal aid"),
    ((), "The webinar on digital security is on Thursday at 15:00 CET.", "Thursday", "The webinar on digital security"),
])
def test_the_subject_comes_from_the_most_specific_clue(headings, sentence, date_text, expected):
    assert titles.subject("event", headings, sentence, date_text) == expected


@pytest.mark.parametrize("kind, sentence, expected", [
    ("hearing", "The trial resumes on 4 May at the Baku Grave Crimes Court.", "Baku Grave Crimes Court"),
    ("hearing", "L'affaire sera examinée par le tribunal de première instance de Tunis le 4 mai.",
     "tribunal de première instance de Tunis"),
    ("hearing", "Dava 4 Mayıs'ta Ankara 2. Asliye Ceza Mahkemesi'nde görülecek.", "Ankara 2. Asliye Ceza Mahkemesi"),
    ("event", "The vigil will be held in London on 4 May.", "London"),
    ("event", "Le rassemblement aura lieu à Paris le 4 mai.", "Paris"),
    ("event", "Встреча пройдет в Минске 4 мая.", "Минске"),
    ("event", "Toplantı 4 Mayıs'ta İstanbul'da yapılacak.", "İstanbul"),
    ("event", "The side event takes place in Room XX, Palais des Nations, and online on 4 May.", "Room XX, Palais des Nations"),
    ("event", "The briefing will be given in German on 4 May.", None),  # a language, not a place
])
def test_location_is_read_where_the_sentence_states_it(kind, sentence, expected):
    assert fields.location(kind, sentence, None) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("To add your organisation to the statement, write to sign@observers.example.org.", None),
    ("Las organizaciones pueden enviar su firma a firmas@red.example.org.", None),
    ("Sign up for the briefing by writing to events@observers.example.org.", "events@observers.example.org"),
    ("Merci de confirmer votre présence auprès du secrétariat (forum@reseau.example.org).", "forum@reseau.example.org"),
])
def test_an_address_that_collects_signatures_is_no_contact_for_an_event(sentence, expected):
    assert fields.contact(sentence, sentence, 0, sign_on=False) == expected
    assert fields.contact(sentence, sentence, 0) is not None  # a sign-on deadline keeps it


def test_a_venue_line_that_opens_with_dates_gives_the_place_after_them():
    [match] = fields.VENUE_LINE.finditer("Venue: 2nd – 11th of May 2027, Poznań (Poland)\n")
    assert fields.venue_line(match) == "Poznań (Poland)"
    [online] = fields.VENUE_LINE.finditer("Where: online (Zoom), with interpretation\n")
    assert fields.venue_line(online) is None


@pytest.mark.parametrize("text, expected", [
    ("Gazeteci Deniz Aksoy'un yargılandığı dava görülecek", "tr"),  # no Turkish short word: its letters say it
    ("İlk duruşma İstanbul'da görülecek ve karar açıklanacak", "tr"),  # "İlk" is not Polish "i" + "lk"
    ("Rozprawa odbędzie się w sądzie okręgowym", "pl"),
])
def test_short_texts_are_told_apart_by_their_letters(text, expected):
    assert language.detect(text) == expected
