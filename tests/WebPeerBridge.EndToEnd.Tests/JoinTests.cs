using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebPeerBridge.EndToEnd.Tests;

public sealed class JoinTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task A_taken_name_and_an_empty_name_show_their_errors() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var alice = await OpenBrowserAsync(app, "alice");
        var other = await OpenBrowserAsync(app, "other");
        await alice.JoinAsync("alice");

        await other.GotoAsync();
        await Expect(other.JoinButton).ToBeDisabledAsync();

        // Empty: a name typed and erased, or only spaces, says what is missing and cannot join.
        await other.NameField.FillAsync("al");
        await Expect(other.JoinButton).ToBeEnabledAsync();
        await other.NameField.FillAsync("");
        await Expect(other.Page.GetByText("Enter a name to join.")).ToBeVisibleAsync();
        await Expect(other.JoinButton).ToBeDisabledAsync();
        await other.NameField.FillAsync("   ");
        await Expect(other.Page.GetByText("Enter a name to join.")).ToBeVisibleAsync();
        await Expect(other.JoinButton).ToBeDisabledAsync();

        // Taken: the server refuses it (names ignore case), the page says so and stays on the join screen.
        await other.NameField.FillAsync("ALICE");
        await other.JoinButton.ClickAsync();
        await Expect(other.Page.GetByRole(Microsoft.Playwright.AriaRole.Alert)).ToHaveTextAsync("That name is taken — choose another");
        await Expect(other.NameField).ToBeVisibleAsync();
        await Expect(other.JoinButton).ToBeEnabledAsync();

        // And a free name then joins.
        await other.NameField.FillAsync("alicia");
        await other.JoinButton.ClickAsync();
        await Expect(other.Self).ToContainTextAsync("alicia");
        await Expect(alice.Person("alicia")).ToBeVisibleAsync();
    });
}
