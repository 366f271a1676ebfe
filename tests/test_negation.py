"""A French negation the English lost: found sentence by sentence, idioms and restrictions left out."""

import pytest

from summarizer.negation import english_of, french_negations, lost_negations, negated


@pytest.mark.parametrize("french, found", [
    ("L'Afghanistan ne redevienne jamais un refuge.", ["ne redevienne jamais"]),
    ("L'Otan n'a toujours pas décidé.", ["n'a toujours pas"]),
    ("Aucun accord n'a été trouvé et il n'y a rien à signer.", ["Aucun accord n'", "n'y a rien"]),
    ("Rien n'a changé.", ["Rien n'"]),
    # "ne … que" and "ne … plus que" say "only"; imperatives English says positively; expletive "ne"
    ("Il ne reste que trois jours.", []),
    ("Il ne reste plus que trois jours.", []),
    ("On ne peut rien voir d'autre que le ciel.", []),
    ("Il n'a pas dit que la loi était votée.", ["n'a pas"]),
    ("N'oubliez pas vos papiers, n'hésitez pas à demander.", []),
    ("Avant qu'il ne parte, la loi a été votée.", []),
])
def test_french_negations(french, found):
    assert french_negations(french) == found


@pytest.mark.parametrize("english, expected", [
    ("Afghanistan remains forever a safe haven.", False),
    ("Afghanistan must never again become a safe haven.", True),
    ("The demands are unclear.", True),  # a negative prefix on an English word
    ("The figures remain unknown, and the move is non-binding.", True),
    ("It is impossible to say.", True),
    ("The union met under the united banner.", False),  # "un" that is no prefix
    ("It didn't work.", True),
    ("NATO has yet to decide.", True),
    ("New Zealand managed to avoid registering any new case.", True),  # "réussi à n'enregistrer aucun cas"
])
def test_english_negation(english, expected):
    assert negated(english) is expected


def test_a_lost_negation_is_found_sentence_by_sentence():
    source = "L'Otan n'a pas décidé. L'Afghanistan ne redevienne jamais un refuge."
    # the first sentence's "not" does not hide the second's loss
    lost = lost_negations(source, "NATO did not decide. Afghanistan remains forever a haven.")
    assert lost == ["ne redevienne jamais"]
    assert lost_negations(source, "NATO did not decide. Afghanistan never becomes a haven again.") == []
    # sentences merged by the model: the whole text is compared
    assert lost_negations(source, "NATO did not decide whether Afghanistan remains a haven.") == []
    assert lost_negations("Les chiffres ne sont pas connus.", "The figures are known.") == ["ne sont pas"]


@pytest.mark.parametrize("negation, english", [
    ("ne redevienne plus", "no longer"), ("n'a toujours pas", "still not"), ("ne veut plus jamais", "never again"),
    ("n'a jamais", "never"), ("n'ont aucune", "no"), ("Aucun accord n'", "no"), ("Rien n'", "nothing"),
    ("n’y a rien", "nothing"), ("ne sont pas", "not"),
])
def test_english_of_a_negation(negation, english):
    assert english_of(negation) == english
