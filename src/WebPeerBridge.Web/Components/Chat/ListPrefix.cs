using System.Collections;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// The first <see cref="Count"/> items of a list, read only, without a copy: the log hands its older lines to
/// <c>Virtualize</c> this way. A list (not only a collection), so that Virtualize's Skip and Take index instead of walking.
/// </summary>
internal sealed class ListPrefix<T>(List<T> items) : IList<T>, IReadOnlyList<T>
{
    private int _count;

    public int Count
    {
        get => _count;
        set => _count = Math.Clamp(value, 0, items.Count);
    }

    public bool IsReadOnly => true;

    public T this[int index]
    {
        get => (uint)index < (uint)_count ? items[index] : throw new ArgumentOutOfRangeException(nameof(index));
        set => throw new NotSupportedException();
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(T item)
    {
        var index = items.IndexOf(item, 0, _count);
        return index;
    }

    public bool Contains(T item) => IndexOf(item) >= 0;

    public void CopyTo(T[] array, int arrayIndex) => items.CopyTo(0, array, arrayIndex, _count);

    public void Add(T item) => throw new NotSupportedException();

    public void Clear() => throw new NotSupportedException();

    public void Insert(int index, T item) => throw new NotSupportedException();

    public bool Remove(T item) => throw new NotSupportedException();

    public void RemoveAt(int index) => throw new NotSupportedException();
}
