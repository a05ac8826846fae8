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

    /// <summary>The button whose text or accessible name is <paramref name="name"/>.</summary>
    public static IElement FindButton<T>(this IRenderedComponent<T> cut, string name)
        where T : IComponent
    {
        var match = cut.FindAll("button").FirstOrDefault(b =>
            b.GetAttribute("aria-label") == name || b.TextContent.Trim() == name);
        return match ?? throw new ElementNotFoundException($"button '{name}'");
    }

    /// <summary>Whether a button with that text or accessible name is shown.</summary>
    public static bool HasButton<T>(this IRenderedComponent<T> cut, string name)
        where T : IComponent =>
        cut.FindAll("button").Any(b => b.GetAttribute("aria-label") == name || b.TextContent.Trim() == name);

    /// <summary>The message log's text (as shown: entities decoded).</summary>
    public static string LogText<T>(this IRenderedComponent<T> cut)
        where T : IComponent => cut.Find("[role=log]").TextContent;

    public static bool IsDisabled(this IElement element) => element.HasAttribute("disabled");
}
