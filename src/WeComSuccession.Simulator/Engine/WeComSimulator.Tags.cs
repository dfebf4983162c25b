using WeComSuccession.Simulator.Api;
using WeComSuccession.Simulator.Callbacks;
using WeComSuccession.Simulator.Corp;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Engine;

/// <summary>A corp tag as the control API shows it.</summary>
public sealed record CorpTagInfo(string Id, string Name, string GroupId, string GroupName, long Order);

// Corp tags (企业标签): externalcontact/get_corp_tag_list, and marking tags on a relation from the control API.
public sealed partial class WeComSimulator
{
    /// <summary>
    /// <c>POST externalcontact/get_corp_tag_list</c> {tag_id[], group_id[]}: both empty → every group; group_id given →
    /// those groups with all their tags (tag_id is then ignored, as WeCom documents); tag_id → the groups holding
    /// them with only those tags. Unknown ids are left out. Groups and tags come larger order first.
    /// </summary>
    internal WeComResponse GetCorpTagList(JsonFields body)
    {
        var tagIds = body.Strings("tag_id") ?? [];
        var groupIds = body.Strings("group_id") ?? [];
        if (body.Error is { } error)
        {
            return Error(40058, error);
        }

        lock (_sync)
        {
            var filtered = tagIds.Count > 0 || groupIds.Count > 0;
            IEnumerable<(TagGroup Group, IEnumerable<CorpTag> Tags)> selected = groupIds.Count > 0
                ? _corp.TagGroups.Where(g => groupIds.Contains(g.Id, StringComparer.Ordinal)).Select(g => (g, (IEnumerable<CorpTag>)g.Tags))
                : tagIds.Count > 0
                    ? _corp.TagGroups.Select(g => (g, g.Tags.Where(t => tagIds.Contains(t.Id, StringComparer.Ordinal)))).Where(x => x.Item2.Any())
                    : _corp.TagGroups.Select(g => (g, (IEnumerable<CorpTag>)g.Tags));

            // "deleted" is only answered to a filtered query (WeCom); nothing is ever deleted here.
            bool? deleted = filtered ? false : null;
            return new CorpTagListResponse
            {
                ErrMsg = "ok",
                TagGroup = [.. selected
                    .OrderByDescending(x => x.Group.Order).ThenBy(x => x.Group.Id, StringComparer.Ordinal)
                    .Select(x => new CorpTagGroupJson(
                        x.Group.Id,
                        x.Group.Name,
                        x.Group.CreateTime,
                        x.Group.Order,
                        deleted,
                        [.. x.Tags.OrderByDescending(t => t.Order).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => new CorpTagJson(t.Id, t.Name, t.CreateTime, t.Order, deleted))]))],
            };
        }
    }

    /// <summary>Every corp tag, group by group.</summary>
    public IReadOnlyList<CorpTagInfo> CorpTags()
    {
        lock (_sync)
        {
            return [.. _corp.TagGroups.SelectMany(g => g.Tags.Select(t => new CorpTagInfo(t.Id, t.Name, g.Id, g.Name, t.Order)))];
        }
    }

    /// <summary>
    /// Marks or unmarks corp tags on the relation member ↔ customer (what a member does in the client, or
    /// <c>externalcontact/mark_tag</c>), then pushes <c>edit_external_contact</c> unless <paramref name="silent"/>.
    /// </summary>
    /// <returns>The relation's tag ids now; null when there is no such current relation or a tag id is unknown.</returns>
    public IReadOnlyList<string>? MarkTags(string externalUserId, string userId, IReadOnlyList<string>? add, IReadOnlyList<string>? remove, bool silent = false)
    {
        lock (_sync)
        {
            if (!_corp.Customers.TryGetValue(externalUserId, out var customer) || customer.CurrentFollow(userId) is not { } follow
                || (add ?? []).Concat(remove ?? []).Any(id => !_corp.Tags.ContainsKey(id)))
            {
                return null;
            }

            follow.TagIds = [.. follow.TagIds.Union(add ?? [], StringComparer.Ordinal).Except(remove ?? [], StringComparer.Ordinal)];
            if (!silent)
            {
                var now = Now;
                Callbacks.Enqueue("change_external_contact", "edit_external_contact", userId, externalUserId, now, CallbackXml.EditExternalContact(Options.CorpId, now, userId, externalUserId));
            }

            return follow.TagIds;
        }
    }
}
