using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WeComSuccession.Simulator.Api;

/// <summary>
/// One JSON object of a request, read field by field: the simulator's own reading of WeCom's shape, independent of
/// the library's models, so that a client whose model names or types a field wrongly is told so (40058 naming the
/// field) instead of being understood by the same mistake. Absent and <c>null</c> fields read as null.
/// </summary>
internal sealed class JsonFields
{
    private readonly JsonObject _object;
    private readonly string _path;
    private readonly Problems _problems;

    private JsonFields(JsonObject obj, string path, Problems problems)
    {
        _object = obj;
        _path = path;
        _problems = problems;
    }

    /// <summary>The first field of the wrong type, e.g. <c>template_card.button_list[0].key must be a string</c>; null when none.</summary>
    public string? Error => _problems.First;

    /// <summary>The body as an object; null when it is not JSON or not an object (WeCom: 47001).</summary>
    public static JsonFields? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json) is JsonObject obj ? new JsonFields(obj, "", new Problems()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool Has(string name) => _object[name] is not null;

    public string? String(string name) => Read(name, JsonValueKind.String, "a string", n => n.GetValue<string>());

    public long? Long(string name) => Read<long?>(name, JsonValueKind.Number, "an integer", n => n.AsValue().TryGetValue<long>(out var v) ? v : null);

    public bool? Bool(string name)
    {
        var node = _object[name];
        return node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => Fail<bool?>(name, "true or false"),
        };
    }

    public JsonFields? Object(string name) => _object[name] switch
    {
        null => null,
        JsonObject obj => new JsonFields(obj, Path(name), _problems),
        _ => Fail<JsonFields>(name, "an object"),
    };

    public IReadOnlyList<JsonFields>? Objects(string name) => Array(name, "an array of objects", (node, path) => node is JsonObject o ? new JsonFields(o, path, _problems) : null);

    public IReadOnlyList<string>? Strings(string name) => Array(name, "an array of strings", (node, _) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null);

    public IReadOnlyList<long>? Longs(string name) => Array<long?>(name, "an array of integers", (node, _) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : null)?.Select(x => x!.Value).ToList();

    private T? Read<T>(string name, JsonValueKind kind, string expected, Func<JsonNode, T?> get)
    {
        var node = _object[name];
        if (node is null)
        {
            return default;
        }

        if (node is JsonValue value && value.GetValueKind() == kind && get(node) is { } result)
        {
            return result;
        }

        return Fail<T>(name, expected);
    }

    private List<T>? Array<T>(string name, string expected, Func<JsonNode?, string, T?> item)
    {
        var node = _object[name];
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray array)
        {
            return Fail<List<T>>(name, expected);
        }

        var list = new List<T>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (item(array[i], Path(name) + "[" + i.ToString(CultureInfo.InvariantCulture) + "]") is not { } x)
            {
                return Fail<List<T>>(name, expected);
            }

            list.Add(x);
        }

        return list;
    }

    private string Path(string name) => _path.Length == 0 ? name : _path + "." + name;

    private T? Fail<T>(string name, string expected)
    {
        _problems.First ??= $"{Path(name)} must be {expected}";
        return default;
    }

    private sealed class Problems
    {
        public string? First { get; set; }
    }
}
