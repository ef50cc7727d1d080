"""The demo cast's ads: about forty requests and offers in every state, in plain Dutch.

Each ad is keyed by its author and title, so seed_demo can skip the ones that exist.
A conversation is a responder and the lines of the talk: ("r", ...) is the responder,
("a", ...) the ad's author. `days` is how long ago the ad was placed.
"""

from dataclasses import dataclass

R, A = "r", "a"


@dataclass(frozen=True)
class DemoConversation:
    responder: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DemoAd:
    author: str
    kind: str  # "request" | "offer"
    category: str
    title: str
    description: str
    days: float
    status: str = "open"  # open | matched | done | withdrawn | expired
    conversations: tuple[DemoConversation, ...] = ()
    helper: str = ""  # the responder chosen as helper (matched and done)
    thanks: str = ""
    urgency: str = "normal"
    consent: bool = False


def talk(responder: str, *lines: tuple[str, str]) -> DemoConversation:
    return DemoConversation(responder, tuple(lines))


ANNA, BRAM, FATIMA, HENK = "anna@noord.demo", "bram@noord.demo", "fatima@noord.demo", "henk@noord.demo"
COR, JOKE, MEHMET = "cor@zuid.demo", "joke@zuid.demo", "mehmet@zuid.demo"
ELS, SVEN = "els@centrum.demo", "sven@centrum.demo"
DIRK = "dirk@debilt.demo"

NOORD = [
    DemoAd(
        ANNA,
        "request",
        "boodschappen",
        "Boodschappen voor het weekend",
        "Sinds mijn val loop ik slecht. Wie wil op vrijdag voor mij naar de supermarkt? "
        "Ik geef een lijstje en geld mee.",
        days=20,
        status="done",
        helper=BRAM,
        conversations=(
            talk(
                BRAM,
                (R, "Ik ga vrijdag toch al. Ik neem uw boodschappen mee."),
                (A, "Wat fijn! Kunt u om 10 uur het lijstje komen halen?"),
                (R, "Dat is goed. Tot vrijdag!"),
            ),
        ),
        thanks="Dank je wel Bram, alles was er. Zelfs de verse bloemen!",
    ),
    DemoAd(
        ANNA,
        "request",
        "gezelschap",
        "Samen koffie drinken op woensdag",
        "Ik woon alleen en mis een praatje. Wie komt op woensdagmiddag een kopje koffie drinken?",
        days=2,
        consent=True,
        conversations=(
            talk(
                FATIMA,
                (R, "Wat leuk! Ik kan woensdag om 14 uur. Zal ik iets lekkers meenemen?"),
                (A, "Graag! Ik woon vlak bij de bibliotheek. Ik stuur u mijn adres."),
            ),
        ),
    ),
    DemoAd(
        ANNA,
        "request",
        "vervoer",
        "Rit naar de huisarts op dinsdag",
        "Dinsdag om 9.30 uur moet ik naar de huisarts aan de Amsterdamsestraatweg. Wie kan mij brengen?",
        days=4,
        status="matched",
        helper=HENK,
        conversations=(
            talk(
                HENK,
                (R, "Ik heb een auto en ben dinsdag vrij. Ik haal u om 9.10 uur op."),
                (A, "Heel fijn, dank u wel. Ik wacht beneden bij de deur."),
            ),
        ),
    ),
    DemoAd(
        ANNA,
        "request",
        "digitale-hulp",
        "Hulp met mijn nieuwe telefoon",
        "Mijn kleinzoon gaf mij een nieuwe telefoon. Ik weet niet hoe WhatsApp werkt. Wie legt het rustig uit?",
        days=1,
    ),
    DemoAd(
        ANNA,
        "request",
        "overig",
        "Samen verjaardagskaarten schrijven",
        "Mijn handen trillen. Wie wil mij helpen om een paar kaarten te schrijven?",
        days=38,
        status="expired",
    ),
    DemoAd(
        BRAM,
        "offer",
        "klusjes",
        "Ik help met kleine klusjes in huis",
        "Een lamp ophangen, een kraan die lekt, een schilderij aan de muur: ik doe het graag. "
        "Ik heb zelf gereedschap.",
        days=6,
        conversations=(
            talk(
                HENK,
                (R, "Mijn deurbel doet het niet meer. Kunt u daar eens naar kijken?"),
                (A, "Zeker. Zaterdagochtend heb ik tijd. Past dat?"),
            ),
        ),
    ),
    DemoAd(
        BRAM,
        "offer",
        "boodschappen",
        "Ik doe elke vrijdag boodschappen",
        "Ik ga elke vrijdagochtend naar de markt en de supermarkt. Zal ik iets voor u meenemen?",
        days=3,
    ),
    DemoAd(
        BRAM,
        "request",
        "tuin",
        "Heg snoeien in de voortuin",
        "De heg is te hoog geworden en ik heb last van mijn rug. Wie helpt mij een uurtje?",
        days=15,
        status="withdrawn",
        conversations=(
            talk(
                HENK,
                (R, "Ik heb een heggenschaar. Volgende week kan ik."),
                (A, "Dank u! Mijn zoon komt nu toch helpen. Ik trek mijn vraag in."),
            ),
        ),
    ),
    DemoAd(
        BRAM,
        "request",
        "digitale-hulp",
        "Foto's van mijn telefoon op de computer zetten",
        "Ik heb veel foto's van de kleinkinderen. Ik wil ze op de computer bewaren, maar ik weet niet hoe.",
        days=12,
        status="done",
        helper=FATIMA,
        conversations=(
            talk(
                FATIMA,
                (R, "Dat doe ik graag. Heeft u een kabel voor de telefoon?"),
                (A, "Ja, die heb ik. Komt u donderdag?"),
                (R, "Donderdag om 15 uur ben ik er."),
            ),
        ),
        thanks="Alle foto's staan nu veilig op de computer. Bedankt Fatima!",
    ),
    DemoAd(
        FATIMA,
        "request",
        "administratie",
        "Hulp bij een brief van de gemeente",
        "Ik kreeg een brief over de afvalstoffenheffing. Ik begrijp niet wat ik moet doen. Wie leest mee?",
        days=3,
        consent=True,
    ),
    DemoAd(
        FATIMA,
        "request",
        "huisdieren",
        "Wie laat vanmiddag mijn hond uit?",
        "Ik moet onverwacht naar het ziekenhuis. Mijn hond Bobbie moet vanmiddag nog naar buiten. Hij is lief.",
        days=0.08,
        urgency="today",
        consent=True,
    ),
    DemoAd(
        FATIMA,
        "offer",
        "gezelschap",
        "Samen wandelen in het park",
        "Ik wandel graag in het Noorderpark. Loopt u mee? We gaan rustig, met een bankje onderweg.",
        days=18,
        status="done",
        helper=ANNA,
        conversations=(
            talk(
                ANNA,
                (R, "Ik loop graag mee, als het niet te ver is."),
                (A, "We doen een klein rondje. Maandag om 11 uur bij de ingang?"),
                (R, "Afgesproken!"),
            ),
        ),
        thanks="Het was een gezellige wandeling. We gaan het vaker doen.",
    ),
    DemoAd(
        FATIMA,
        "request",
        "boodschappen",
        "Medicijnen ophalen bij de apotheek",
        "Mijn medicijnen liggen klaar bij de apotheek in Overvecht. Ik kan zelf niet gaan. Wie haalt ze op?",
        days=4,
        consent=True,
    ),
    DemoAd(
        HENK,
        "request",
        "klusjes",
        "Lamp ophangen in de gang",
        "Ik heb een nieuwe lamp gekocht, maar ik durf niet meer op een trap te staan.",
        days=5,
        status="matched",
        helper=BRAM,
        conversations=(
            talk(BRAM, (R, "Ik kom graag helpen. Woensdagavond?"), (A, "Woensdag om 19 uur is prima.")),
            talk(FATIMA, (R, "Mijn man kan ook helpen, als het nodig is."), (A, "Dank u, Bram komt al.")),
        ),
    ),
    DemoAd(
        HENK,
        "offer",
        "vervoer",
        "Ik rijd u naar de dokter of het ziekenhuis",
        "Ik ben met pensioen en heb een auto. Ik breng u graag naar een afspraak in Utrecht.",
        days=8,
        conversations=(
            talk(
                ANNA,
                (R, "Volgende maand moet ik naar het Diakonessenhuis. Kan dat ook?"),
                (A, "Zeker. Laat u maar weten welke dag."),
            ),
        ),
    ),
    DemoAd(
        HENK,
        "request",
        "boodschappen",
        "Zware boodschappen naar de derde verdieping",
        "De lift is kapot. Wie helpt mij om kratten water naar boven te dragen?",
        days=40,
        status="expired",
    ),
]

# Requests no neighbour answered, passed on to Thuiszorg De Buurt: seed_demo moves each
# escalation to another state (LADDER in seed_demo), so Pia's inbox shows a partner's day.
NOORD_LADDER = [
    DemoAd(
        HENK,
        "request",
        "boodschappen",
        "Boodschappen na mijn operatie",
        "Ik ben net geopereerd aan mijn heup. De komende weken kan ik niet naar de winkel.",
        days=6,
        consent=True,
    ),
    DemoAd(
        HENK,
        "request",
        "gezelschap",
        "Samen naar de bingo in het buurthuis",
        "Ik ga graag naar de bingo, maar alleen durf ik niet meer in het donker. Wie gaat mee?",
        days=7,
        consent=True,
    ),
    DemoAd(
        ANNA,
        "request",
        "administratie",
        "Hulp met de belastingaangifte",
        "Vroeger deed mijn man de belastingen. Nu moet ik het zelf. Wie helpt mij op weg?",
        days=8,
        consent=True,
    ),
]

ZUID = [
    DemoAd(
        COR,
        "request",
        "tuin",
        "Gras maaien in de achtertuin",
        "Het gras staat hoog. Mijn maaimachine werkt nog, maar ik heb de kracht niet meer.",
        days=3,
        conversations=(
            talk(
                MEHMET,
                (R, "Zaterdag kan ik uw gras maaien. Hoe groot is de tuin?"),
                (A, "Niet zo groot, ongeveer tien bij vijf meter."),
            ),
        ),
    ),
    DemoAd(
        COR,
        "request",
        "vervoer",
        "Naar het ziekenhuis voor een controle",
        "Op 12 maart heb ik een controle in het UMC. Wie rijdt mij heen en terug?",
        days=22,
        status="done",
        helper=JOKE,
        conversations=(
            talk(JOKE, (R, "Ik breng u. Ik wacht ook in de wachtkamer."), (A, "Dat is heel lief, dank u wel.")),
        ),
        thanks="Joke, bedankt voor de rit en het gezelschap in de wachtkamer.",
    ),
    DemoAd(
        COR,
        "offer",
        "klusjes",
        "Ik repareer uw fiets",
        "Een lekke band of een los spatbord? Ik was fietsenmaker en help u graag.",
        days=9,
        conversations=(
            talk(
                JOKE,
                (R, "Mijn achterlicht doet het niet meer. Kunt u daar naar kijken?"),
                (A, "Breng de fiets maar langs. Ik ben 's middags thuis."),
            ),
        ),
    ),
    DemoAd(
        COR,
        "request",
        "administratie",
        "Belastingaangifte invullen",
        "Ik moet dit jaar zelf aangifte doen. Wie weet hoe het werkt en helpt mij met de computer?",
        days=2,
    ),
    DemoAd(
        JOKE,
        "request",
        "gezelschap",
        "Iemand voor een spelletje op zondag",
        "Ik speel graag rummikub of scrabble. Wie komt op zondagmiddag een spelletje doen?",
        days=6,
        status="matched",
        helper=MEHMET,
        conversations=(
            talk(
                MEHMET,
                (R, "Ik ben niet goed in scrabble, maar rummikub vind ik leuk!"),
                (A, "Dan doen we rummikub. Zondag om 14 uur?"),
                (R, "Ik ben er."),
            ),
        ),
    ),
    DemoAd(
        JOKE,
        "offer",
        "huisdieren",
        "Ik pas graag op uw kat",
        "Gaat u op vakantie of naar het ziekenhuis? Ik geef uw kat eten en een knuffel.",
        days=5,
    ),
    DemoAd(
        JOKE,
        "request",
        "boodschappen",
        "Boodschappen na mijn operatie",
        "Na mijn knieoperatie mag ik twee weken niet lopen. Wie doet een paar keer boodschappen voor mij?",
        days=10,
        status="withdrawn",
        conversations=(
            talk(
                COR,
                (R, "Ik kan op maandag en donderdag."),
                (A, "Dank u Cor. Mijn dochter komt nu elke dag, dus het hoeft niet meer."),
            ),
        ),
    ),
    DemoAd(
        JOKE,
        "request",
        "digitale-hulp",
        "Videobellen met mijn kleinkinderen",
        "Mijn kleinkinderen wonen in Canada. Ik wil ze graag zien via de tablet. Wie leert het mij?",
        days=16,
        status="done",
        helper=MEHMET,
        conversations=(
            talk(MEHMET, (R, "Ik help u graag. Dat is zo geleerd."), (A, "Komt u dinsdag? Ik zet koffie.")),
        ),
        thanks="Gisteren heb ik mijn kleinkinderen gezien. Ik was zo blij. Dank je, Mehmet!",
    ),
    DemoAd(
        MEHMET,
        "request",
        "klusjes",
        "Kast in elkaar zetten",
        "Ik heb een kast gekocht, maar de beschrijving is lastig. Wie helpt mij een uurtje?",
        days=1,
        conversations=(talk(COR, (R, "Ik heb veel kasten gebouwd. Zaterdag om 10 uur?")),),
    ),
    DemoAd(
        MEHMET,
        "offer",
        "vervoer",
        "Elke maandag naar de markt",
        "Ik rijd elke maandag naar de markt op het Vredenburg. Er zijn twee plekken vrij in mijn auto.",
        days=45,
        status="expired",
    ),
    DemoAd(
        MEHMET,
        "request",
        "tuin",
        "Bladeren ruimen",
        "Er liggen veel bladeren in mijn tuin. Wie helpt mij ze op te ruimen?",
        days=36,
        status="expired",
    ),
    DemoAd(
        MEHMET,
        "request",
        "overig",
        "Nederlands oefenen door te praten",
        "Ik leer Nederlands. Wie wil één keer per week met mij praten, bijvoorbeeld bij een kopje thee?",
        days=7,
        conversations=(
            talk(JOKE, (R, "Dat wil ik graag. Ik was vroeger juf!"), (A, "Wat mooi. Wanneer past het u?")),
        ),
    ),
]

CENTRUM = [
    DemoAd(
        ELS,
        "request",
        "boodschappen",
        "Brood en melk halen, ik ben ziek",
        "Ik heb griep en kan niet naar buiten. Wie haalt vandaag brood, melk en wat fruit voor mij?",
        days=0.2,
        urgency="today",
        conversations=(talk(SVEN, (R, "Ik ga over een uur naar de winkel. Ik zet het voor uw deur.")),),
    ),
    DemoAd(
        ELS,
        "request",
        "gezelschap",
        "Wie gaat mee naar een orgelconcert?",
        "Zaterdag is er een gratis orgelconcert in de Domkerk. Alleen vind ik het niet leuk.",
        days=8,
        status="matched",
        helper=SVEN,
        conversations=(
            talk(SVEN, (R, "Ik hou van orgelmuziek. Ik ga graag mee."), (A, "Zullen we om 15.30 uur afspreken?")),
        ),
    ),
    DemoAd(
        ELS,
        "offer",
        "digitale-hulp",
        "Ik help met de computer en DigiD",
        "Ik werkte bij de bank en weet veel van computers. Ik help u met DigiD, e-mail of internetbankieren.",
        days=10,
        conversations=(
            talk(
                SVEN,
                (R, "Mijn DigiD werkt niet meer. Kunt u mij helpen?"),
                (A, "Ja hoor. Neem uw telefoon en uw paspoort mee."),
            ),
        ),
    ),
    DemoAd(
        ELS,
        "request",
        "administratie",
        "Formulier voor huurtoeslag",
        "Ik moet een formulier invullen voor de huurtoeslag. Ik ben bang dat ik iets fout doe.",
        days=3,
        consent=True,
    ),
    DemoAd(
        ELS,
        "request",
        "tuin",
        "Plantenbakken ophangen op het balkon",
        "Ik heb nieuwe plantenbakken. Wie helpt ze aan het hek van het balkon te hangen?",
        days=42,
        status="expired",
    ),
    DemoAd(
        ELS,
        "request",
        "boodschappen",
        "Zware tassen van de markt dragen",
        "Op zaterdag ga ik naar de markt. De tassen zijn te zwaar voor mij. Wie loopt mee?",
        days=2,
        status="matched",
        helper=SVEN,
        conversations=(talk(SVEN, (R, "Ik loop mee. Ik ben sterk!"), (A, "Fijn, om 10 uur bij de Oudegracht?")),),
    ),
    DemoAd(
        SVEN,
        "request",
        "vervoer",
        "Rolstoel duwen naar de markt",
        "Ik zit in een rolstoel. Wie duwt mij op woensdag naar de markt en terug?",
        days=14,
        status="done",
        helper=ELS,
        conversations=(talk(ELS, (R, "Ik doe het graag. Dan drinken we daarna koffie."), (A, "Leuk, tot woensdag.")),),
        thanks="Els, het was een heerlijke ochtend. Dank u!",
    ),
    DemoAd(
        SVEN,
        "request",
        "huisdieren",
        "Vissen voeren tijdens mijn vakantie",
        "Ik ga een week naar mijn zus. Wie geeft mijn vissen elke dag een beetje eten?",
        days=25,
        status="done",
        helper=ELS,
        conversations=(talk(ELS, (R, "Ik woon om de hoek. Dat doe ik."), (A, "Super. Ik geef u de sleutel.")),),
        thanks="De vissen zijn gezond en blij. Bedankt!",
    ),
    DemoAd(
        SVEN,
        "offer",
        "tuin",
        "Ik geef uw planten water",
        "Bent u een tijdje weg? Ik geef uw planten op het balkon of in de tuin water.",
        days=2,
    ),
    DemoAd(
        SVEN,
        "request",
        "klusjes",
        "Fietsband plakken",
        "Mijn fietsband is lek. Wie kan hem plakken?",
        days=9,
        status="withdrawn",
    ),
    DemoAd(
        SVEN,
        "request",
        "gezelschap",
        "Iemand die de krant voorleest",
        "Mijn ogen worden slechter. Wie leest mij twee keer per week de krant voor?",
        days=5,
        consent=True,
    ),
    DemoAd(
        SVEN,
        "request",
        "digitale-hulp",
        "E-mail instellen op mijn tablet",
        "Ik heb een tablet gekregen. Wie helpt mij om mijn e-mail daarop te zetten?",
        days=1,
        conversations=(talk(ELS, (R, "Dat kan ik. Weet u uw wachtwoord nog?"), (A, "Ik heb het op een briefje.")),),
    ),
]

BILTHOVEN = [
    DemoAd(
        DIRK,
        "request",
        "tuin",
        "Heg snoeien voor de winter",
        "Mijn heg is te hoog geworden. Met mijn rug kan ik niet meer snoeien. Wie helpt?",
        days=4,
        consent=True,
    ),
    DemoAd(
        DIRK,
        "offer",
        "digitale-hulp",
        "Hulp met de computer of de tablet",
        "Ik was systeembeheerder. Ik help u graag met uw computer, tablet of telefoon.",
        days=10,
    ),
    DemoAd(
        DIRK,
        "request",
        "vervoer",
        "Rit naar het ziekenhuis in Zeist",
        "Volgende week heb ik een afspraak in het ziekenhuis. Wie rijdt mij heen en terug?",
        days=1,
    ),
]

ADS = NOORD + NOORD_LADDER + ZUID + CENTRUM + BILTHOVEN
