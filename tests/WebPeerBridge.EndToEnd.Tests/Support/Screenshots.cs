using Microsoft.Playwright;

namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>
/// Pictures of the real UI for the docs: taken when SCREENSHOTS_DIR names a folder
/// (SCREENSHOTS_DIR=docs/screenshots dotnet test --project tests/WebPeerBridge.EndToEnd.Tests), skipped otherwise.
/// </summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string fileName)
    {
        if (Environment.GetEnvironmentVariable("SCREENSHOTS_DIR") is not { Length: > 0 } folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        // Snackbars fade in and out: wait until none shows, so that the picture is the chat itself.
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { Visible = true })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName) });
    }
}
