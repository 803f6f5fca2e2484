using System.Collections;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// A read-only list handed to templates: every element access ticks the <see cref="RenderGuard"/>, so
/// nested <c>#each</c> loops that write nothing still stop at the render deadline.
/// </summary>
internal sealed class GuardedList(IReadOnlyList<object?> items) : IList<object?>, IReadOnlyList<object?>
{
    public int Count => items.Count;

    public bool IsReadOnly => true;

    public object? this[int index]
    {
        get
        {
            RenderGuard.Tick();
            return items[index];
        }

        set => throw new NotSupportedException();
    }

    public IEnumerator<object?> GetEnumerator()
    {
        foreach (var item in items)
        {
            RenderGuard.Tick();
            yield return item;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(object? item)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (Equals(items[i], item))
            {
                return i;
            }
        }

        return -1;
    }

    public bool Contains(object? item) => IndexOf(item) >= 0;

    public void CopyTo(object?[] array, int arrayIndex)
    {
        foreach (var item in items)
        {
            array[arrayIndex++] = item;
        }
    }

    public void Add(object? item) => throw new NotSupportedException();

    public void Clear() => throw new NotSupportedException();

    public void Insert(int index, object? item) => throw new NotSupportedException();

    public bool Remove(object? item) => throw new NotSupportedException();

    public void RemoveAt(int index) => throw new NotSupportedException();

    /// <summary>Wraps every list of a value tree (maps are copied) so templates only ever see guarded lists.</summary>
    public static object? WrapTree(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => WrapTree(kv.Value), StringComparer.Ordinal),
        IReadOnlyList<object?> list => new GuardedList(list.Select(WrapTree).ToList()),
        _ => value,
    };
}
