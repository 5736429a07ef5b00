"""The duplicate-id check (checks/ids.py) on HTML written by hand."""

from live_math._internal.checks import ids


def test_an_id_on_two_elements_is_found_with_its_count():
    html = '<p id="a">x</p><div id="b"><span id="a">y</span></div><a id=a href="#a">z</a>'
    assert ids.repeated_ids(html) == [("a", 3)]


def test_ids_in_either_quotes_count_alike_and_unique_ids_pass():
    assert ids.repeated_ids("<p id='x'></p><p id=\"x\"></p>") == [("x", 2)]
    assert ids.repeated_ids('<p id="x"></p><p id="y"></p><p data-id="x"></p>') == []


def test_ids_written_in_scripts_and_comments_are_no_elements():
    html = '<p id="x"></p><!-- <p id="x"> --><script>el.innerHTML = \'<b id="x">\'</script>'
    assert ids.repeated_ids(html) == []


def test_the_description_names_the_first_ids_and_counts_the_rest():
    assert ids.describe([("a", 2)]) == 'the id "a" (2 times) is'
    text = ids.describe([(f"i{n}", 2) for n in range(6)], shown=2)
    assert text == 'the ids "i0" (2 times), "i1" (2 times) and 4 more ids are each'
