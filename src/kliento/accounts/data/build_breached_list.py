"""Rebuild ``breached-passwords.txt.gz``, the deny list that ships with Kliento.

Not imported by the app: run it by hand when the sources change, then commit the file.

    pip download zxcvbn==4.5.0 --no-deps -d /tmp/zxcvbn
    python src/kliento/accounts/data/build_breached_list.py /tmp/zxcvbn/zxcvbn-4.5.0-*.whl

Sources, merged in this order and de-duplicated (lower-cased, as the validator compares):
1. zxcvbn 4.5.0 (MIT): its frequency lists, ``passwords`` (30 000 most common from
   breach corpora), English words, names, surnames and TV/film words;
2. Django's own ``common-passwords.txt.gz`` (20 000 from breach corpora);
3. ``FINNISH_SWEDISH`` below: words and passwords common in Finland and Sweden, and
   this service's own name. See docs/decisions/0002-breached-password-list.md.
"""

from __future__ import annotations

import gzip
import importlib
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import django

HERE = Path(__file__).resolve().parent
OUT = HERE / "breached-passwords.txt.gz"
ZXCVBN_LISTS = (
    "passwords",
    "english_wikipedia",
    "us_tv_and_film",
    "surnames",
    "female_names",
    "male_names",
)

FINNISH_SWEDISH = """
kliento klientokortti kanta-asiakas kantaasiakas asiakaskortti kortti
salasana salasanani salasana1 uusisalasana vaihdasalasana tunnussana tunnus kayttaja kirjaudu
qwerty123 qwertyuiopå asdfghjklöä zxcvbnm 1qaz2wsx q1w2e3r4 q1w2e3r4t5y6
suomi suomi100 suomifinland finland helsinki espoo tampere vantaa oulu turku jyvaskyla jyväskylä
lahti kuopio pori joensuu lappeenranta hameenlinna hämeenlinna vaasa rovaniemi kotka porvoo
perkele saatana jumalauta voi_vittu vittu paska kakka pimppi
kissa koira hevonen karhu susi kettu jänis janis pupu nalle nallekarhu mirri misu musti
mansikka mustikka omena banaani aurinko kuu tähti tahti taivas meri järvi jarvi metsä metsa
kesä kesa talvi syksy kevät kevat joulu juhannus vappu pääsiäinen
rakkaus rakastan rakastansinua minäsinua kulta kultaseni muru murunen sydän sydan enkeli
prinsessa prinssi kuningas kuningatar tyttö poika äiti aiti isä isi mummo mummi vaari pappa
perhe lapset koti kotona kotini sauna sisu kalja olut viina kossu salmiakki lakritsi
moi moikka terve hei heippa kiitos tervetuloa huomenta hyvää hyvaa hyvääyötä
jokerit jokeri hifk tappara karpat kärpät ilves hpk lukko tps kalpa pelicans jyp ässät assat
hjk huuhkajat leijonat leijona nokia marimekko muumi muumipeikko moomin angrybirds
lösenord losenord lösen losen hemligt hemlig hemlighet inloggning användare anvandare
sverige stockholm göteborg goteborg malmö malmo uppsala västerås vasteras örebro orebro
linköping linkoping helsingborg jönköping jonkoping norrköping norrkoping lund umeå umea
sommar vinter höst host vår var jul midsommar påsk pask
katt katten hund hunden häst hast björn bjorn räv rav kanin
kärlek karlek älskar alskar jagälskardig jagalskardig hjärta hjarta ängel angel
mamma pappa mormor farmor morfar farfar syster bror familj barn hemma
hej hejsan hejhej tack välkommen valkommen godmorgon
fotboll hockey djurgården djurgarden dif aik hammarby mff ifk blåvitt blavitt tre_kronor
ikea volvo saab abba ericsson spotify
virtanen korhonen mäkinen makinen nieminen mäkelä makela hämäläinen hamalainen laine
heikkinen koskinen järvinen jarvinen lehtonen lehtinen saarinen salminen heinonen niemi
heikkilä heikkila kinnunen salonen turunen salo laitinen tuominen rantanen karjalainen
andersson johansson karlsson nilsson eriksson larsson olsson persson svensson gustafsson
pettersson jonsson jansson hansson bengtsson lindberg lindqvist lindström lindstrom
juha timo matti mikko kari antti jari jukka mika markku pekka hannu heikki seppo janne
ari sami petri ville tuomas jussi teemu marko tero lauri eino onni aino väinö vaino
tuula anne päivi paivi anna ritva leena pirjo sari minna marja tiina riitta helena
johanna kaisa katja laura maria emma ella olivia sofia aada venla iida pihla
erik lars karl anders johan per nils olof lennart gunnar sven oskar hugo william
elisabeth kristina margareta eva birgitta ingrid linnea elsa astrid maja alice ebba
"""

SUFFIXES = (
    "",
    "1",
    "12",
    "123",
    "1234",
    "12345",
    "123456",
    "!",
    "1!",
    "123!",
    "2024",
    "2025",
    "2026",
)


def _zxcvbn_words(wheel: Path) -> list[str]:
    target = Path(tempfile.mkdtemp(prefix="zxcvbn-"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    sys.path.insert(0, str(target))
    module = importlib.import_module("zxcvbn.frequency_lists")
    words: list[str] = []
    for name in ZXCVBN_LISTS:
        words.extend(module.FREQUENCY_LISTS[name])
    return words


def _django_words() -> list[str]:
    path = Path(django.__file__).parent / "contrib" / "auth" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()


def _local_words() -> list[str]:
    words: list[str] = []
    for token in FINNISH_SWEDISH.split():
        base = token.replace("_", " ")
        for variant in {
            base,
            unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode(),
        }:
            words.extend(f"{variant}{suffix}" for suffix in SUFFIXES)
    return words


def main(wheel: str) -> None:
    seen: dict[str, None] = {}
    for raw in [*_zxcvbn_words(Path(wheel)), *_django_words(), *_local_words()]:
        word = raw.strip().lower()
        if word:
            seen.setdefault(word, None)
    data = "\n".join(seen).encode("utf-8") + b"\n"
    with OUT.open("wb") as out, gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as f:
        f.write(data)
    print(f"{len(seen)} entries, {OUT.stat().st_size} bytes -> {OUT}")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1])
