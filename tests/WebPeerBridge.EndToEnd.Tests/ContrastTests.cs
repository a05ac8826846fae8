using Microsoft.Playwright;
using WebPeerBridge.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebPeerBridge.EndToEnd.Tests.Support.BrowserUser;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>
/// WCAG AA (4.5:1; 3:1 for large text) for what the browser really draws, in both themes: every piece of text on the
/// chat page against the colour it sits on, from the computed styles (the palettes, site.css and the theme's CSS
/// variables all taken together), plus every name colour on a line that mentions the person.
/// </summary>
public sealed class ContrastTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    // Shared by both checks: colours as the browser computes them, composited as it paints them.
    private const string Colours = """
        const parse = (value) => {
            let m = value.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
            if (m) return { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] };
            m = value.match(/^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)$/);
            if (m) return { r: m[1] * 255, g: m[2] * 255, b: m[3] * 255, a: m[4] === undefined ? 1 : +m[4] };
            return null;
        };
        const over = (top, below) => ({
            r: top.r * top.a + below.r * (1 - top.a),
            g: top.g * top.a + below.g * (1 - top.a),
            b: top.b * top.a + below.b * (1 - top.a),
            a: 1,
        });
        const luminance = (c) => {
            const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
        };
        const ratio = (a, b) => {
            const [x, y] = [luminance(a), luminance(b)];
            return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
        };
        const hex = (c) => "#" + [c.r, c.g, c.b].map(v => Math.round(v).toString(16).padStart(2, "0")).join("");
        // What an element's text is painted on: its own and its ancestors' backgrounds, composited; null when an
        // image or gradient lies behind it (not checked here), or a colour the browser writes in a form not parsed.
        const backdrop = (element) => {
            const layers = [];
            let opacity = 1;
            for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
                const style = getComputedStyle(node);
                if (style.backgroundImage !== "none") return null;
                const colour = parse(style.backgroundColor);
                if (!colour) return null;
                if (colour.a > 0) layers.push(colour);
                if (colour.a >= 1) return { colour: layers.reverse().reduce((below, top) => over(top, below)), opacity };
                opacity *= +style.opacity;
            }
            return { colour: layers.reverse().reduce((below, top) => over(top, below), { r: 255, g: 255, b: 255, a: 1 }), opacity };
        };
        """;

    private const string EveryText = "() => {" + Colours + """
            const failures = [];
            for (const element of document.body.querySelectorAll("*")) {
                const text = [...element.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join("").trim();
                if (!text || element.closest("svg, [disabled], [aria-disabled='true'], #blazor-error-ui, .wpb-boot")) continue;
                const style = getComputedStyle(element);
                const box = element.getBoundingClientRect();
                if (style.visibility !== "visible" || box.width <= 1 || box.height <= 1) continue;
                const behind = backdrop(element);
                const fg = parse(style.color);
                if (!behind || !fg) {
                    if (!behind && element.closest(".wpb-center")) continue; // the join screen's gradient
                    failures.push(`cannot read the colours of "${text.slice(0, 40)}" (${style.color} on ${style.backgroundColor})`);
                    continue;
                }
                const drawn = over({ ...fg, a: fg.a * +style.opacity * behind.opacity }, behind.colour);
                const size = parseFloat(style.fontSize);
                const large = size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
                const needed = large ? 3 : 4.5;
                const r = ratio(drawn, behind.colour);
                if (r < needed) {
                    failures.push(`${r.toFixed(2)}:1 "${text.slice(0, 40)}" <${element.tagName.toLowerCase()} class="${element.className}"> ${hex(drawn)} on ${hex(behind.colour)}`);
                }
            }
            return failures;
        }
        """;

    private const string NamesOnMention = "(line) => {" + Colours + """
            const root = getComputedStyle(document.documentElement);
            const behind = backdrop(line);
            const failures = [];
            for (let i = 0; ; i++) {
                const value = root.getPropertyValue(`--wpb-name-${i}`).trim();
                if (!value) break;
                const probe = document.createElement("span");
                probe.style.color = value;
                line.appendChild(probe);
                const colour = parse(getComputedStyle(probe).color);
                probe.remove();
                const r = ratio(colour, behind.colour);
                if (r < 4.5) failures.push(`name colour ${i} ${value}: ${r.toFixed(2)}:1 on ${hex(behind.colour)}`);
                if (i > 50) break;
            }
            return failures.length ? failures : (root.getPropertyValue("--wpb-name-0").trim() ? [] : ["no name colours on the page"]);
        }
        """;

    [Fact]
    public Task Every_text_and_every_name_colour_reach_AA_on_what_they_are_drawn_on_in_both_themes() => RunAsync(async () =>
    {
        var app = Own(await BridgeApp.StartEmbeddedAsync());
        var light = await OpenBrowserAsync(app, "light", options => options.ColorScheme = ColorScheme.Light);
        var dark = await OpenBrowserAsync(app, "dark", options => options.ColorScheme = ColorScheme.Dark);
        var bob = await OpenBrowserAsync(app, "bob");
        await light.JoinAsync("alice");
        await dark.JoinAsync("carol");
        await bob.JoinAsync("bob");

        await bob.SendAsync("Morning all");
        await bob.SendAsync("@alice @carol the build is green");
        // Direct messages, for the bright unread counts of the drawer.
        var dave = StartTerminal(app, "dave");
        await dave.WaitForLineAsync("* joined as dave");
        await dave.WriteLineAsync("/msg alice psst, alice");
        await dave.WriteLineAsync("/msg carol psst, carol");

        foreach (var (user, theme) in new[] { (light, "light"), (dark, "dark") })
        {
            await Expect(user.Page.Locator("html")).ToHaveAttributeAsync("data-theme", theme);
            var mention = Line(user.BroadcastLog, "the build is green");
            await Expect(mention.GetByRole(AriaRole.Img, new() { Name = "Mentions you", Exact = true })).ToBeVisibleAsync();
            // The mention and the direct message (it says the name too) are counted in the app bar.
            await Expect(user.Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Mentions (2)", Exact = true })).ToBeVisibleAsync();
            await Expect(user.Drawer.GetByRole(AriaRole.Button, new() { Name = "dave 1 unread, 1 for you", Exact = true })).ToBeVisibleAsync();
            await Expect(Line(user.BroadcastLog, "Morning all")).ToBeVisibleAsync();

            var texts = await user.Page.EvaluateAsync<string[]>(EveryText);
            var names = await mention.EvaluateAsync<string[]>(NamesOnMention);

            Assert.True(texts.Length == 0, $"{theme} theme, text below AA:\n{string.Join('\n', texts)}");
            Assert.True(names.Length == 0, $"{theme} theme, on a line that mentions me:\n{string.Join('\n', names)}");
        }
    });
}
