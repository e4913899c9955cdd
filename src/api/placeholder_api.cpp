// Placeholder so the layer library has a source until real code lands.
namespace gatehouse {
int layer_placeholder_api = 0;
}  // namespace gatehouse
