/**
 * The ONNX schema subset that @funt/onnx writes and reads back, as .proto text: protobufjs
 * parses it on first use (proto.ts), so there is no generated code and no file to read, and the
 * same module works in Node and in a browser.
 */
export const ONNX_PROTO = `// The part of the ONNX IR schema that @funt/onnx writes and reads back.
//
// Written for funt from the published ONNX specification (onnx/onnx.proto, IR version 7+).
// Only the messages and fields the exporter needs are declared; every field number is the
// one in the official schema, so any ONNX reader (onnxruntime, netron, the onnx Python
// package) parses what we write, and fields we do not declare are skipped when decoding.
syntax = "proto2";

package onnx;

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}

message OperatorSetIdProto {
  // Empty for the default "ai.onnx" operator set.
  optional string domain = 1;
  optional int64 version = 2;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message GraphProto {
  // Nodes must be listed in topological order.
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
  optional string domain = 7;
}

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0;
    FLOAT = 1;
    INT = 2;
    STRING = 3;
    TENSOR = 4;
    GRAPH = 5;
    FLOATS = 6;
    INTS = 7;
    STRINGS = 8;
    TENSORS = 9;
    GRAPHS = 10;
  }
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  optional string doc_string = 13;
  // Since IR version 2 the discriminator is required: readers do not guess from the fields.
  optional AttributeType type = 20;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message TypeProto {
  message Tensor {
    // A TensorProto.DataType value.
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      // A symbolic size, e.g. "N" for a batch dimension left free.
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TensorProto {
  enum DataType {
    UNDEFINED = 0;
    FLOAT = 1;
    UINT8 = 2;
    INT8 = 3;
    UINT16 = 4;
    INT16 = 5;
    INT32 = 6;
    INT64 = 7;
    STRING = 8;
    BOOL = 9;
    FLOAT16 = 10;
    DOUBLE = 11;
  }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  // Fixed-width little-endian element bytes: the compact form we write for weights.
  optional bytes raw_data = 9;
  optional string doc_string = 12;
  repeated double double_data = 10 [packed = true];
}
`;
