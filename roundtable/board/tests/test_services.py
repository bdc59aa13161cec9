"""The board's rules, through its services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from roundtable.accounts.testing import make_coordinator
from roundtable.board import services
from roundtable.board.models import CODE_ALPHABET, Board, Dot, Idea, Stage
from roundtable.board.selectors import board_state
from roundtable.board.testing import ideas, join, make_board
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.records.models import Decision, Output

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return make_coordinator()


def _vote_stage(board, coordinator):
    return services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)


def test_a_new_board_collects_ideas_and_has_a_code_to_read_aloud(coordinator):
    board = make_board(actor=coordinator)
    assert board.stage == Stage.COLLECTING
    assert board.dots_per_person == 3
    assert len(board.code) == 6 and set(board.code) <= set(CODE_ALPHABET)
    assert not set(board.code) & set("0O1IL")
    assert AuditEntry.objects.filter(verb="board.create", session_id=board.session_id).exists()


def test_a_board_needs_a_question_and_a_sensible_number_of_dots(coordinator):
    with pytest.raises(ValidationError) as caught:
        services.create_board(session=make_session(), actor=coordinator, question="  ", dots_per_person=0)
    assert set(caught.value.message_dict) == {"question", "dots_per_person"}


def test_every_change_moves_the_version_on(coordinator):
    board = make_board(actor=coordinator)
    versions = [Board.objects.get(pk=board.pk).version]
    person, _ = join(board)
    versions.append(Board.objects.get(pk=board.pk).version)
    services.add_idea(board=board, participant=person, text="More benches")
    versions.append(Board.objects.get(pk=board.pk).version)
    services.set_stage(board=board, actor=coordinator, stage=Stage.GROUPING)
    versions.append(Board.objects.get(pk=board.pk).version)
    assert versions == sorted(set(versions))


def test_ideas_are_added_only_while_collecting_and_kept_short(coordinator):
    board = make_board(actor=coordinator)
    person, _ = join(board)
    idea = services.add_idea(board=board, participant=person, text="  Longer   breaks \n please ")
    assert idea.text == "Longer breaks please"
    with pytest.raises(ValidationError):
        services.add_idea(board=board, participant=person, text="x" * 281)
    services.set_stage(board=board, actor=coordinator, stage=Stage.GROUPING)
    with pytest.raises(services.BoardRefused, match="only add ideas while the board is collecting"):
        services.add_idea(board=board, participant=person, text="Too late")


def test_a_participant_of_one_board_cannot_add_to_another(coordinator):
    mine, other = make_board(actor=coordinator), make_board(actor=coordinator)
    person, _ = join(mine)
    with pytest.raises(services.NotThisBoard):
        services.add_idea(board=other, participant=person, text="Sneaky")


def test_stages_go_forward_and_back_one_at_a_time(coordinator):
    board = make_board(actor=coordinator)
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)  # grouping may be skipped
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    with pytest.raises(services.BoardRefused, match="back one stage at a time"):
        services.set_stage(board=board, actor=coordinator, stage=Stage.COLLECTING)
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    assert board.stage == Stage.VOTING
    with pytest.raises(ValidationError):
        services.set_stage(board=board, actor=coordinator, stage="dancing")


def test_nobody_can_place_more_dots_than_they_have(coordinator):
    board = make_board(actor=coordinator, dots_per_person=2, several_dots_on_one_idea=True)
    first, second = ideas(board, "Benches", "Shade")
    board = _vote_stage(board, coordinator)
    person, _ = join(board)
    assert services.vote(board=board, participant=person, idea_id=first.pk) == 1
    assert services.vote(board=board, participant=person, idea_id=first.pk) == 0
    with pytest.raises(services.BoardRefused, match="used all your 2 dots"):
        services.vote(board=board, participant=person, idea_id=second.pk)
    assert Dot.objects.filter(participant=person).count() == 2


def test_one_dot_per_idea_unless_the_board_allows_several(coordinator):
    board = make_board(actor=coordinator)
    (idea,) = ideas(board, "Benches")
    board = _vote_stage(board, coordinator)
    person, _ = join(board)
    services.vote(board=board, participant=person, idea_id=idea.pk)
    with pytest.raises(services.BoardRefused, match="already have a dot on that idea"):
        services.vote(board=board, participant=person, idea_id=idea.pk)


def test_a_table_sharing_a_device_gets_dots_for_each_person(coordinator):
    board = make_board(actor=coordinator, dots_per_person=3)
    (idea,) = ideas(board, "Benches")
    board = _vote_stage(board, coordinator)
    table, _ = join(board, is_table=True, people=4)
    assert services.dots_allowed(board, table) == 12
    for _ in range(4):  # one dot each on the same idea is fine, a fifth is not
        services.vote(board=board, participant=table, idea_id=idea.pk)
    with pytest.raises(services.BoardRefused):
        services.vote(board=board, participant=table, idea_id=idea.pk)


def test_voting_is_refused_when_the_board_is_not_voting(coordinator):
    board = make_board(actor=coordinator)
    (idea,) = ideas(board, "Benches")
    person, _ = join(board)
    with pytest.raises(services.BoardRefused, match="Voting is not open"):
        services.vote(board=board, participant=person, idea_id=idea.pk)


def test_taking_a_dot_off_gives_it_back(coordinator):
    board = make_board(actor=coordinator, dots_per_person=1)
    first, second = ideas(board, "Benches", "Shade")
    board = _vote_stage(board, coordinator)
    person, _ = join(board)
    services.vote(board=board, participant=person, idea_id=first.pk)
    assert services.remove_dot(board=board, participant=person, idea_id=first.pk) == 1
    assert services.vote(board=board, participant=person, idea_id=second.pk) == 0
    with pytest.raises(services.BoardRefused, match="no dot on that idea"):
        services.remove_dot(board=board, participant=person, idea_id=first.pk)


def test_a_hidden_idea_is_kept_with_its_reason_and_its_dots_go_back(coordinator):
    board = make_board(actor=coordinator)
    kept, rude = ideas(board, "Benches", "Something rude")
    board = _vote_stage(board, coordinator)
    person, _ = join(board)
    services.vote(board=board, participant=person, idea_id=rude.pk)
    with pytest.raises(ValidationError):
        services.hide_idea(idea=rude, actor=coordinator, reason=" ")
    services.hide_idea(idea=rude, actor=coordinator, reason="Names a member of staff")
    rude.refresh_from_db()
    assert rude.hidden_at and rude.hidden_reason == "Names a member of staff"
    assert not Dot.objects.filter(idea=rude).exists()
    assert [i["id"] for i in board_state(board)["ideas"]] == [kept.pk]
    with pytest.raises(ValidationError):
        services.vote(board=board, participant=person, idea_id=rude.pk)


def test_grouping_by_choosing_a_group_and_merging_duplicates(coordinator):
    board = make_board(actor=coordinator)
    benches, seats, more_seats, shade = ideas(board, "Benches", "Seats", "More seats", "Shade")
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.GROUPING)
    group = services.create_group(board=board, actor=coordinator, name="Sitting down")
    services.rename_group(group=group, actor=coordinator, name="Places to sit")
    services.put_in_group(idea=seats, group=group, actor=coordinator)
    services.merge_ideas(keep=seats, duplicate=more_seats, actor=coordinator)
    services.merge_ideas(keep=benches, duplicate=seats, actor=coordinator)  # what was merged into seats follows
    assert set(Idea.objects.filter(merged_into=benches).values_list("pk", flat=True)) == {seats.pk, more_seats.pk}
    state = board_state(board)
    assert state["groups"] == [{"id": group.pk, "name": "Places to sit"}]
    assert [(i["text"], i["group"]) for i in state["ideas"]] == [("Benches", group.pk), ("Shade", None)]
    with pytest.raises(ValidationError):
        services.merge_ideas(keep=benches, duplicate=benches, actor=coordinator)
    services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    with pytest.raises(services.BoardRefused, match="merge ideas"):
        services.merge_ideas(keep=benches, duplicate=shade, actor=coordinator)


def test_votes_are_hidden_while_voting_unless_the_board_shows_them(coordinator):
    board = make_board(actor=coordinator)
    (idea,) = ideas(board, "Benches")
    board = _vote_stage(board, coordinator)
    person, _ = join(board)
    services.vote(board=board, participant=person, idea_id=idea.pk)
    assert board_state(board)["ideas"][0]["votes"] is None
    mine = board_state(board, person)
    assert (mine["dots_left"], mine["my_dots"]) == (2, [idea.pk])
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    assert board_state(board)["ideas"][0]["votes"] == 1

    shown = make_board(actor=coordinator, show_votes_while_voting=True)
    (other,) = ideas(shown, "Shade")
    shown = _vote_stage(shown, coordinator)
    voter, _ = join(shown)
    services.vote(board=shown, participant=voter, idea_id=other.pk)
    assert board_state(shown)["ideas"][0]["votes"] == 1


def test_board_state_costs_the_same_with_many_ideas(coordinator, django_assert_num_queries):
    board = make_board(actor=coordinator, show_names=True)
    ideas(board, *[f"Idea {n}" for n in range(40)])
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    person, _ = join(make_board(actor=coordinator))
    with django_assert_num_queries(4):
        board_state(board)
    with django_assert_num_queries(4):
        board_state(board, person)  # someone else's participant: no dots of theirs to show


def test_recording_a_closed_board_makes_a_dot_vote_decision_with_counts_and_outputs(coordinator):
    board = make_board(actor=coordinator, question="What should the Centre fund next year?", show_names=True)
    author, _ = join(board, display_name="Robin")
    benches = services.add_idea(board=board, participant=author, text="Benches")
    shade = services.add_idea(board=board, participant=author, text="Shade")
    services.add_idea(board=board, participant=author, text="Nobody wants this")
    board = _vote_stage(board, coordinator)
    voters = [join(board)[0] for _ in range(3)]
    table, _ = join(board, is_table=True, people=2)
    for voter in voters:
        services.vote(board=board, participant=voter, idea_id=benches.pk)
    services.vote(board=board, participant=voters[0], idea_id=shade.pk)
    services.vote(board=board, participant=voters[1], idea_id=shade.pk)
    services.vote(board=board, participant=table, idea_id=shade.pk)
    services.vote(board=board, participant=table, idea_id=shade.pk)

    with pytest.raises(services.BoardRefused, match="Close the board"):
        services.record_decision(board=board, actor=coordinator)
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    decision = services.record_decision(board=board, actor=coordinator)

    assert decision.method == "dot_voting"
    assert decision.title == "Most dots: Shade"
    assert decision.question == "What should the Centre fund next year?"
    assert decision.votes == [{"option": "Shade", "count": 4}, {"option": "Benches", "count": 3}]
    assert decision.option_list == ["Shade", "Benches"]
    assert decision.took_part == {"not_asked": 5}  # three people and a table of two
    assert decision.took_part_rows == [("Perspective not asked", 5)]
    outputs = Output.objects.filter(session=board.session)
    assert sorted(o.body for o in outputs) == ["Benches", "Shade"]
    assert {o.consent for o in outputs} == {"private"}
    assert {o.credit for o in outputs} == {"Robin"}
    with pytest.raises(services.BoardRefused, match="already in the session record"):
        services.record_decision(board=board, actor=coordinator)
    with pytest.raises(services.BoardRefused, match="stays closed"):
        services.set_stage(board=board, actor=coordinator, stage=Stage.VOTING)
    assert Decision.objects.count() == 1


def test_a_tie_at_the_top_is_named_as_a_tie(coordinator):
    board = make_board(actor=coordinator)
    benches, shade = ideas(board, "Benches", "Shade")
    board = _vote_stage(board, coordinator)
    person, _ = join(board)
    services.vote(board=board, participant=person, idea_id=benches.pk)
    services.vote(board=board, participant=person, idea_id=shade.pk)
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    assert services.record_decision(board=board, actor=coordinator).title == "Most dots, a tie: Benches; Shade"


def test_a_board_nobody_voted_on_has_nothing_to_record(coordinator):
    board = make_board(actor=coordinator)
    ideas(board, "Benches")
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    with pytest.raises(services.BoardRefused, match="Nobody placed a dot"):
        services.record_decision(board=board, actor=coordinator)


def test_a_closed_board_cannot_be_joined(coordinator):
    board = make_board(actor=coordinator, stage=Stage.CLOSED)
    with pytest.raises(services.BoardRefused, match="closed"):
        services.join(board=board)


def test_only_the_hash_of_a_participant_key_is_kept(coordinator):
    board = make_board(actor=coordinator)
    person, key = join(board)
    assert key not in person.key_hash
    assert services.participant_for_key(key) == person
    assert services.participant_for_key("not a key") is None


# --- A photo with an idea -------------------------------------------------------------------------


def _gps_exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    return exif.tobytes()


def test_an_idea_can_carry_a_photo_with_words_for_people_who_cannot_see_it(coordinator):
    from django.core.files.storage import default_storage
    from PIL import Image

    from roundtable.records.tests.factories import image_bytes, upload

    board = make_board(actor=coordinator)
    participant, _ = join(board)
    photo = upload(content=image_bytes(size=(3000, 2000), exif=_gps_exif()))
    idea = services.add_idea(
        board=board,
        participant=participant,
        text="A garden at the clinic",
        photo=photo,
        photo_alt="  A clay model of a garden   with benches ",
    )
    idea.refresh_from_db()
    assert idea.photo_alt == "A clay model of a garden with benches"
    assert (idea.photo_width, idea.photo_height) == (1200, 800)
    with default_storage.open(idea.photo.name) as stored:
        image = Image.open(stored)
        assert image.size == (1200, 800)
        assert not image.getexif()  # no GPS position, no camera
    with default_storage.open(idea.photo_thumb.name) as stored:
        assert max(Image.open(stored).size) == 480
    state = board_state(board)
    (shown,) = state["ideas"]
    assert shown["photo"]["alt"] == "A clay model of a garden with benches"
    assert shown["photo"]["url"].endswith(f"/ideas/{idea.pk}/photo/large/")
    assert shown["photo"]["thumb_url"].endswith(f"/ideas/{idea.pk}/photo/thumb/")


def test_a_photo_needs_words_and_must_really_be_a_photo_and_nothing_is_kept_when_refused(coordinator, settings):
    from roundtable.records.tests.factories import upload

    board = make_board(actor=coordinator)
    participant, _ = join(board)
    media = settings.MEDIA_ROOT
    with pytest.raises(ValidationError) as refused:
        services.add_idea(board=board, participant=participant, text="Benches", photo=upload(), photo_alt=" ")
    assert refused.value.message_dict == {"photo_alt": ["Say what the photo shows, for people who cannot see it"]}
    with pytest.raises(ValidationError) as refused:
        services.add_idea(
            board=board,
            participant=participant,
            text="Benches",
            photo=upload(name="note.jpg", content=b"%PDF-1.4 not a photo"),
            photo_alt="A note",
        )
    assert refused.value.message_dict == {"photo": ["The selected file must be a photo saved as JPG, PNG or WebP"]}
    # A refusal after the photo was written (the board moved on) removes the files again.
    services.set_stage(board=board, actor=coordinator, stage=Stage.GROUPING)
    with pytest.raises(services.BoardRefused):
        services.add_idea(board=board, participant=participant, text="Late", photo=upload(), photo_alt="A note")
    assert not Idea.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()] if media.exists() else True


def test_a_photo_idea_carried_into_the_record_keeps_its_photo_and_alt_text(coordinator):
    from roundtable.records.tests.factories import upload

    board = make_board(actor=coordinator)
    participant, _ = join(board)
    idea = services.add_idea(
        board=board, participant=participant, text="A garden", photo=upload(), photo_alt="A clay garden"
    )
    board = _vote_stage(board, coordinator)
    services.vote(board=board, participant=participant, idea_id=idea.pk)
    board = services.set_stage(board=board, actor=coordinator, stage=Stage.CLOSED)
    services.record_decision(board=board, actor=coordinator)
    outputs = {o.kind: o for o in Output.objects.filter(session=board.session)}
    assert outputs["text"].body == "A garden"
    assert outputs["image"].alt_text == "A clay garden"
    assert outputs["image"].consent == "private"
    assert outputs["image"].file and outputs["image"].thumb
