using System.Text.Json.Serialization;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Api;

// Responses of the endpoints the WeCom library does not model (yet): written here at WeCom's shape, so the simulator
// does not depend on the library's reading of them.

/// <summary><c>message/update_template_card</c>: invaliduser as message/send answers it ("a|b").</summary>
internal sealed record UpdateTemplateCardResponse : WeComResponse
{
    [JsonPropertyName("invaliduser")]
    public string? InvalidUser { get; init; }
}

/// <summary><c>externalcontact/get_corp_tag_list</c>.</summary>
internal sealed record CorpTagListResponse : WeComResponse
{
    [JsonPropertyName("tag_group")]
    public IReadOnlyList<CorpTagGroupJson> TagGroup { get; init; } = [];
}

internal sealed record CorpTagGroupJson(
    [property: JsonPropertyName("group_id")] string GroupId,
    [property: JsonPropertyName("group_name")] string GroupName,
    [property: JsonPropertyName("create_time")] long CreateTime,
    [property: JsonPropertyName("order")] long Order,
    [property: JsonPropertyName("deleted")] bool? Deleted,
    [property: JsonPropertyName("tag")] IReadOnlyList<CorpTagJson> Tag);

internal sealed record CorpTagJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("create_time")] long CreateTime,
    [property: JsonPropertyName("order")] long Order,
    [property: JsonPropertyName("deleted")] bool? Deleted);

/// <summary><c>department/list</c>.</summary>
internal sealed record DepartmentListResponse : WeComResponse
{
    [JsonPropertyName("department")]
    public IReadOnlyList<DepartmentJson> Department { get; init; } = [];
}

/// <summary><c>department/get</c>.</summary>
internal sealed record DepartmentGetResponse : WeComResponse
{
    [JsonPropertyName("department")]
    public required DepartmentJson Department { get; init; }
}

internal sealed record DepartmentJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("name_en")] string NameEn,
    [property: JsonPropertyName("department_leader")] IReadOnlyList<string> DepartmentLeader,
    [property: JsonPropertyName("parentid")] long ParentId,
    [property: JsonPropertyName("order")] long Order);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UpdateTemplateCardResponse))]
[JsonSerializable(typeof(CorpTagListResponse))]
[JsonSerializable(typeof(DepartmentListResponse))]
[JsonSerializable(typeof(DepartmentGetResponse))]
internal sealed partial class SimJsonContext : JsonSerializerContext;
