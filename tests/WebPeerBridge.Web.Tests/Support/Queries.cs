using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace WebPeerBridge.Web.Tests.Support;

/// <summary>Finds elements the way a person does: by their label, their accessible name or their text.</summary>
internal static class Queries
{
    /// <summary>The form field labelled <paramref name="label"/> (a label element or an aria-label).</summary>
    public static IElement FindByLabel<T>(this IRenderedComponent<T> cut, string label)
        where T : IComponent
    {
        foreach (var element in cut.FindAll("label"))
        {
            if (element.TextContent.Trim() == label && element.GetAttribute("for") is { Length: > 0 } id)
            {
                return cut.Find($"#{id}");
            }
        }

        return cut.Find($"[aria-label='{label}']");
    }

    /// <summary>The button whose accessible name is <paramref name="name"/>.</summary>
    public static IElement FindButton<T>(this IRenderedComponent<T> cut, string name)
        where T : IComponent
    {
        var match = cut.FindAll("button").FirstOrDefault(b => AccessibleName(b) == name);
        return match ?? throw new ElementNotFoundException($"button '{name}'");
    }

    /// <summary>Clicks the button named <paramref name="name"/>; found and clicked in one go, as renders come from other threads.</summary>
    public static Task ClickAsync<T>(this IRenderedComponent<T> cut, string name)
        where T : IComponent =>
        cut.InvokeAsync(() => cut.FindButton(name).ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()));

    /// <summary>Whether a button with that accessible name is shown.</summary>
    public static bool HasButton<T>(this IRenderedComponent<T> cut, string name)
        where T : IComponent =>
        cut.FindAll("button").Any(b => AccessibleName(b) == name);

    /// <summary>What a screen reader announces, roughly: aria-label, else the text of what is not aria-hidden.</summary>
    public static string AccessibleName(IElement element)
    {
        if (element.GetAttribute("aria-label") is { Length: > 0 } label)
        {
            return label;
        }

        var parts = new List<string>();
        Collect(element, parts);
        return string.Join(' ', parts);

        static void Collect(INode node, List<string> parts)
        {
            foreach (var child in node.ChildNodes)
            {
                if (child is IElement e)
                {
                    if (e.GetAttribute("aria-hidden") == "true" || e.LocalName is "svg" or "script" or "style")
                    {
                        continue;
                    }

                    if (e.GetAttribute("aria-label") is { Length: > 0 } childLabel)
                    {
                        parts.Add(childLabel);
                        continue;
                    }

                    Collect(e, parts);
                }
                else if (child.NodeType == NodeType.Text && child.TextContent.Trim() is { Length: > 0 } text)
                {
                    parts.Add(text);
                }
            }
        }
    }

    /// <summary>The message log's text (as shown: entities decoded).</summary>
    public static string LogText<T>(this IRenderedComponent<T> cut)
        where T : IComponent => cut.Find("[role=log]").TextContent;

    public static bool IsDisabled(this IElement element) => element.HasAttribute("disabled");
}
