"""Proper names: found in French by their capitals, checked in English translations and summaries."""

from summarizer.glossary import Glossary, default_glossary
from summarizer.propernames import missing_names, proper_names, unknown_names


def test_names_inside_a_sentence_are_found_with_their_particles():
    text = ("Le président Emmanuel Macron a reçu Charles de Gaulle à Saint-Denis. "
            "Il a rencontré M. Dupont et Mme Durand à la Banque de France, avec l'OTAN.")
    assert proper_names(text) == ["Emmanuel Macron", "Charles de Gaulle", "Saint-Denis", "Dupont", "Durand",
                                  "France", "OTAN"]


def test_sentence_initial_words_count_only_when_shaped_like_a_name_or_capitalised_elsewhere():
    text = ("Selon le rapport, McDonald's vend des iPhone. OTAN et UE discutent. Mission élargie. "
            "Covid-19 : les chiffres. Xavier Bertrand répond. Bertrand est d'accord.")
    names = proper_names(text)
    assert {"McDonald's", "iPhone", "OTAN", "UE", "Covid-19", "Bertrand"} <= set(names)
    assert not {"Selon", "Mission", "Xavier"} & set(names)  # "Xavier" only ever starts a sentence


def test_titles_dates_centuries_and_capitalised_common_nouns_are_not_names():
    text = ("Lundi, le ministre de la Santé et M. le Préfet ont parlé de l'État au XVe siècle. "
            "Le Sud-Ouest attend. En mars, le Conseil a voté.")
    assert proper_names(text) == []


def test_a_name_is_kept_across_spelling_exonyms_and_the_glossary():
    glossary = default_glossary()
    source = "L'Otan et les Américains ont envoyé 500 militaires en Irak et en Allemagne, a dit Jens Stoltenberg."
    good = "NATO and the Americans sent 500 troops to Iraq and Germany, said Stoltenberg."
    assert missing_names(source, good, glossary) == []
    assert missing_names("Le Royaume-Uni et Londres.", "The UK and London.", glossary) == []
    assert missing_names("La réunion de l'ONG à Bruxelles.", "The NGO meeting in Brussels.") == []
    # a name the glossary maps must appear in its English form, not left in French
    assert missing_names("L'Otan a décidé.", "The Otan decided.", glossary) == ["Otan"]


def test_a_replaced_name_is_missing():
    source = "Le Lévothyrox de Merck est remplacé, selon l'ANSM."
    assert missing_names(source, "Merck's Levoxitin is being replaced, according to ANSM.") == ["Lévothyrox de Merck"]
    assert missing_names(source, "Merck's Levothyrox is being replaced, according to ANSM.") == []
    # a first name may be dropped, a surname may not
    assert missing_names("Il a vu Jens Stoltenberg.", "He saw Stoltenberg.") == []
    assert missing_names("Il a vu Jens Stoltenberg.", "He saw Jens Larsen.", Glossary()) == ["Jens Stoltenberg"]


def test_unknown_names_are_the_capitalised_words_from_nowhere():
    source = "Le Lévothyrox, fabriqué par Merck, sera remplacé en Allemagne, a annoncé le ministre de la Santé jeudi."
    good = "The Health Minister announced on Thursday that Levothyrox, made by Merck, will be replaced in Germany."
    assert unknown_names(good, source, default_glossary()) == []
    invented = ("The Ministry of Health said on Thursday that Levoxitin, made by Merck, will be replaced "
                "in the United Kingdom. Pfizer agreed.")
    # "Pfizer" starts its sentence: English capitalises any word there, so it is not checked
    assert unknown_names(invented, source, default_glossary()) == ["Levoxitin", "United Kingdom"]
    assert unknown_names("The plan was backed by Jean Castex.", source) == ["Jean", "Castex"]
