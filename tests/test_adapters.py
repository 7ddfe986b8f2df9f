"""Adapted attribute types (DataJoint 0.14's AttributeAdapter): djimport.add_objects, VirtualModule's add_objects."""

import datajoint as dj
import pytest

import djimport
from djimport._datajoint import IS_V2

pytestmark = pytest.mark.skipif(
    IS_V2, reason="DataJoint 2.x has no AttributeAdapter: its <codec> types are found in DataJoint's codec registry"
)


class EdgesAdapter(dj.AttributeAdapter if not IS_V2 else object):
    """A set of edges, stored as a sorted list in a blob."""

    attribute_type = "longblob"

    def put(self, edges):
        return sorted(edges)

    def get(self, stored):
        return {tuple(edge) for edge in stored}


@pytest.fixture
def network(schema_name, connection, monkeypatch):
    """A schema whose table ``network`` has an attribute of adapted type ``<edges>``, declared by its own code."""
    monkeypatch.setenv("DJ_SUPPORT_ADAPTED_TYPES", "TRUE")
    schema = dj.Schema(schema_name, context={"edges": EdgesAdapter()}, connection=connection)

    @schema
    class Network(dj.Manual):
        definition = """
        net : int
        ---
        graph : <edges>
        """

    Network.insert1({"net": 1, "graph": {(1, 2), (2, 3)}})
    return schema_name


def test_import_works_without_the_adapter_and_first_use_fails_as_in_datajoint(network):
    uni = djimport.load(network)
    with pytest.raises(NotImplementedError) as ours:
        uni.Network.fetch()
    with pytest.raises(NotImplementedError) as datajoints:
        dj.VirtualModule("virtual", network).Network.fetch()
    assert str(ours.value) == str(datajoints.value)


@pytest.mark.parametrize("used_before", [False, True], ids=["added-first", "added-after-a-failed-use"])
def test_add_objects_gives_the_adapter_to_fetch_and_insert(network, used_before):
    uni = djimport.load(network)
    if used_before:
        with pytest.raises(NotImplementedError):
            uni.Network.fetch()
    assert djimport.add_objects(network, edges=EdgesAdapter()) is uni
    assert (uni.Network & {"net": 1}).fetch1("graph") == {(1, 2), (2, 3)}
    uni.Network.insert1({"net": 2, "graph": {(5, 6)}})
    assert (uni.Network & {"net": 2}).fetch1("graph") == {(5, 6)}
    virtual = dj.VirtualModule("virtual", network, add_objects={"edges": EdgesAdapter()})
    assert uni.Network.fetch(as_dict=True) == virtual.Network.fetch(as_dict=True)


def test_add_objects_keeps_the_modules_own_names(network):
    uni = djimport.load(network)
    for name in ("schema", "Network", "__loader__"):
        with pytest.raises(ValueError, match=name):
            djimport.add_objects(uni, **{name: EdgesAdapter()})
    assert uni.schema.database == network and uni.Network.__module__ == uni.__name__
