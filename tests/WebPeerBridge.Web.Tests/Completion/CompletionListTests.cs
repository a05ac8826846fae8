using WebPeerBridge.Web.Components.Chat.Completion;

namespace WebPeerBridge.Web.Tests.Completion;

public sealed class CompletionListTests
{
    private static readonly string[] Names = ["carol", "bob", "Bobby", "dave"];

    [Fact]
    public void A_slash_lists_every_command_including_the_seed_typed_ones()
    {
        var list = new CompletionList();

        list.Update("/", Names);

        Assert.Equal(CompletionKind.Command, list.Kind);
        var labels = list.Items.Select(i => i.Label).ToList();
        Assert.Contains("/help", labels);
        Assert.Contains("conn:<host>:<port>", labels);
        Assert.Contains("to_peer:<text>", labels);
        Assert.Contains("close", labels);
        Assert.Contains("/msg <name> <text>", labels);
        Assert.DoesNotContain("<text>", labels);
    }

    [Fact]
    public void Typing_after_the_slash_filters_the_commands_by_prefix()
    {
        var list = new CompletionList();

        list.Update("/c", Names);

        Assert.Equal(["conn:<host>:<port>", "close"], list.Items.Select(i => i.Label));
    }

    [Fact]
    public void A_space_after_the_command_closes_the_list()
    {
        var list = new CompletionList();
        list.Update("/msg", Names);

        list.Update("/msg ", Names);

        Assert.False(list.IsOpen);
    }

    [Fact]
    public void Nothing_is_chosen_until_the_arrows_move_so_Enter_picks_nothing()
    {
        var list = new CompletionList();
        list.Update("/he", Names);

        Assert.True(list.IsOpen);
        Assert.False(list.IsChosen);
        Assert.Null(list.PickChosen());
    }

    [Fact]
    public void The_arrows_choose_and_a_pick_inserts_the_command_up_to_its_placeholder()
    {
        var list = new CompletionList();
        list.Update("/", Names);

        list.Move(1);
        list.Move(1);

        Assert.True(list.IsChosen);
        Assert.Equal(1, list.Selected);
        Assert.Equal("conn:", list.PickChosen()); // the second command: conn:<host>:<port>
        Assert.False(list.IsOpen);
    }

    [Fact]
    public void The_arrows_wrap_around_the_list()
    {
        var list = new CompletionList();
        list.Update("/c", Names);

        list.Move(-1);

        Assert.Equal(1, list.Selected);
        list.Move(1);
        Assert.Equal(0, list.Selected);
    }

    [Fact]
    public void A_picked_command_that_is_complete_does_not_reopen_the_list_when_its_text_comes_back()
    {
        var list = new CompletionList();
        list.Update("/hel", Names);
        var picked = list.PickAt(0);

        list.Update(picked!, Names);

        Assert.Equal("/help", picked);
        Assert.False(list.IsOpen);
    }

    [Fact]
    public void An_at_sign_lists_the_names_that_start_with_what_follows_ignoring_case()
    {
        var list = new CompletionList();

        list.Update("hi @bo", Names);

        Assert.Equal(CompletionKind.Name, list.Kind);
        Assert.Equal(["bob", "Bobby"], list.Items.Select(i => i.Label));
        Assert.Equal("hi @bob ", list.PickAt(0));
    }

    [Fact]
    public void Tab_completes_a_name_by_prefix_and_cycles_through_the_candidates()
    {
        var list = new CompletionList();
        list.Update("thanks bo", Names);
        Assert.False(list.IsOpen);

        var first = list.Tab("thanks bo", Names);
        list.Update(first!, Names);
        var second = list.Tab(first!, Names);
        list.Update(second!, Names);
        var third = list.Tab(second!, Names);

        Assert.Equal("thanks bob ", first);
        Assert.Equal("thanks Bobby ", second);
        Assert.Equal("thanks bob ", third);
        Assert.True(list.IsCycling);
        Assert.False(list.IsChosen); // the name is in the text already: Enter sends it
    }

    [Fact]
    public void Tab_with_nothing_to_complete_does_nothing()
    {
        var list = new CompletionList();

        Assert.Null(list.Tab("hello zed", Names));
        Assert.Null(list.Tab("hello ", Names));
        Assert.Null(list.Tab("", Names));
    }

    [Fact]
    public void Typing_after_a_Tab_completion_ends_the_cycle()
    {
        var list = new CompletionList();
        var completed = list.Tab("ca", Names);

        list.Update(completed + "x", Names);

        Assert.False(list.IsCycling);
        Assert.Null(list.Tab(completed + "x", Names));
    }

    [Fact]
    public void Tab_in_the_command_list_picks_the_first_command()
    {
        var list = new CompletionList();
        list.Update("/p", Names);

        Assert.Equal("/peers", list.Tab("/p", Names));
        Assert.False(list.IsOpen);
    }

    [Fact]
    public void Escape_closes_the_list_until_the_text_changes()
    {
        var list = new CompletionList();
        list.Update("/", Names);

        list.Close();

        Assert.False(list.IsOpen);
        list.Update("/h", Names);
        Assert.True(list.IsOpen);
    }

    [Fact]
    public void Tab_on_other_text_than_the_list_was_found_for_starts_from_that_text()
    {
        var list = new CompletionList();
        list.Tab("hi b", Names);

        Assert.Null(list.Tab("hi zed", Names));
        Assert.Equal("hi carol ", list.Tab("hi ca", Names));
    }
}
