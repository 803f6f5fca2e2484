namespace InfraGrpc.Storage.LiteDb;

/// <summary>
/// A trigram index of project names, kept in memory beside the LiteDB file (which only this process opens):
/// for each three-character sequence, the projects whose name holds it, in listing order. A text filter walks
/// the shortest posting list of its needle's trigrams from the page's key and checks each name, so a page costs
/// what it finds plus what it skips in that one list, not a scan of every project in name order (LiteDB cannot
/// index <c>Contains</c>). Needles under three characters walk the whole listing in memory, without reading a
/// document. Entries are the listing keys themselves, shared by every list. Built from the projects' index fields on the first text query; kept by the store's create and
/// delete after each commits. An entry is only a candidate: the caller reads the document and applies every
/// filter to it.
/// </summary>
/// <param name="order">The database's own order of strings (its collation), so a filtered listing pages in the same order as an unfiltered one.</param>
internal sealed class ProjectNameIndex(IComparer<string> order)
{
    private const int N = 3;

    private readonly Lock _sync = new();
    private readonly List<string> _all = [];
    private readonly Dictionary<ulong, List<string>> _postings = [];
    private bool _built;

    /// <summary>The name part of a listing key (<c>org name</c>).</summary>
    private static ReadOnlySpan<char> NameOf(string listOrder) => listOrder.AsSpan(listOrder.IndexOf(' ') + 1);

    /// <summary>Builds the index once from <paramref name="load"/>, which the caller runs where no write can interleave.</summary>
    public void EnsureBuilt(Func<IEnumerable<string>> load)
    {
        lock (_sync)
        {
            if (_built)
            {
                return;
            }

            foreach (var entry in load())
            {
                AddLocked(entry);
            }

            _built = true;
        }
    }

    /// <summary>Adds a committed project by its listing key. Idempotent; a no-op until the index is built.</summary>
    public void Add(string listOrder)
    {
        lock (_sync)
        {
            if (_built)
            {
                AddLocked(listOrder);
            }
        }
    }

    /// <summary>Removes a deleted project. Idempotent; a no-op until the index is built.</summary>
    public void Remove(string listOrder)
    {
        lock (_sync)
        {
            if (!_built)
            {
                return;
            }

            RemoveFrom(_all, listOrder);
            foreach (var key in Trigrams(NameOf(listOrder)))
            {
                if (_postings.TryGetValue(key, out var list) && RemoveFrom(list, listOrder) && list.Count == 0)
                {
                    _postings.Remove(key);
                }
            }
        }
    }

    /// <summary>
    /// The listing keys of up to <paramref name="max"/> projects after <paramref name="afterKey"/>, in listing order, whose name contains
    /// <paramref name="needle"/> (lower case), and whose listing key starts with <paramref name="prefix"/> when given.
    /// </summary>
    public IReadOnlyList<string> Matches(string needle, string afterKey, string? prefix, int max)
    {
        lock (_sync)
        {
            var list = ShortestList(needle);
            if (list is null)
            {
                return [];
            }

            // No listing key equals a prefix ("org "), so starting after the prefix starts at the org's first project.
            var start = prefix is not null && order.Compare(prefix, afterKey) > 0 ? prefix : afterKey;
            var found = new List<string>(Math.Min(max, 128));
            for (var i = FirstAfter(list, start); i < list.Count && found.Count < max; i++)
            {
                var entry = list[i];
                if (prefix is not null && !entry.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }

                if (NameOf(entry).Contains(needle, StringComparison.Ordinal))
                {
                    found.Add(entry);
                }
            }

            return found;
        }
    }

    /// <summary>The posting list to walk: the shortest of the needle's trigrams, or every project for a short needle; null when none can match.</summary>
    private List<string>? ShortestList(string needle)
    {
        if (needle.Length < N)
        {
            return _all;
        }

        List<string>? shortest = null;
        foreach (var key in Trigrams(needle))
        {
            if (!_postings.TryGetValue(key, out var list))
            {
                return null;
            }

            if (shortest is null || list.Count < shortest.Count)
            {
                shortest = list;
            }
        }

        return shortest;
    }

    private void AddLocked(string entry)
    {
        InsertInto(_all, entry);
        foreach (var key in Trigrams(NameOf(entry)))
        {
            if (!_postings.TryGetValue(key, out var list))
            {
                _postings[key] = list = [];
            }

            InsertInto(list, entry);
        }
    }

    /// <summary>The distinct trigrams of <paramref name="text"/>, each packed into one number.</summary>
    private static HashSet<ulong> Trigrams(ReadOnlySpan<char> text)
    {
        var keys = new HashSet<ulong>();
        for (var i = 0; i + N <= text.Length; i++)
        {
            keys.Add(((ulong)text[i] << 32) | ((ulong)text[i + 1] << 16) | text[i + 2]);
        }

        return keys;
    }

    private void InsertInto(List<string> list, string entry)
    {
        // Projects are mostly created in no particular order, but a bulk load arrives sorted: append then.
        if (list.Count == 0 || order.Compare(list[^1], entry) < 0)
        {
            list.Add(entry);
            return;
        }

        var at = list.BinarySearch(entry, order);
        if (at >= 0)
        {
            list[at] = entry;
        }
        else
        {
            list.Insert(~at, entry);
        }
    }

    private bool RemoveFrom(List<string> list, string probe)
    {
        var at = list.BinarySearch(probe, order);
        if (at < 0)
        {
            return false;
        }

        list.RemoveAt(at);
        return true;
    }

    /// <summary>The index of the first entry whose listing key sorts after <paramref name="key"/>.</summary>
    private int FirstAfter(List<string> list, string key)
    {
        int low = 0, high = list.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (order.Compare(list[middle], key) <= 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
