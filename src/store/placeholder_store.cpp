// Placeholder so the layer library has a source until real code lands.
namespace gatehouse {
int layer_placeholder_store = 0;
}  // namespace gatehouse
